// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz train-transformer`: a short run's JSON line (the whole configuration, speed, loss,
// accuracy and every head's metrics), --save writing a checkpoint, and bad options and bad task
// files each ending with exit status 2 and one line.
#include "attnviz_process.hpp"

#include <QJsonArray>
#include <QTemporaryDir>

using attnviz_test::expect_bad_input;
using attnviz_test::parse_json_object;
using attnviz_test::run_attnviz;

class TestTrainTransformerCli : public QObject {
    Q_OBJECT
private slots:
    void short_run_prints_one_json_line();
    void saves_a_checkpoint_folder();
    void trains_on_a_text_file();
    void bad_options_exit_2();
    void bad_task_files_exit_2();
};

void TestTrainTransformerCli::short_run_prints_one_json_line()
{
    const auto r = run_attnviz({"train-transformer", "--task", "induction", "--layers", "2", "--heads", "2", "--embd",
                                "16", "--ctx", "12", "--vocab", "8", "--batch", "4", "--steps", "5", "--seed", "3",
                                "--quiet"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(r.err.isEmpty());
    QCOMPARE(r.out.count('\n'), 1);
    const QJsonObject o = parse_json_object(r.out);
    QCOMPARE(o.value("task").toString(), QString("induction"));
    QCOMPARE(o.value("layers").toInt(), 2);
    QCOMPARE(o.value("heads").toInt(), 2);
    QCOMPARE(o.value("embd").toInt(), 16);
    QCOMPARE(o.value("ctx").toInt(), 12);
    QCOMPARE(o.value("vocab").toInt(), 8);
    QCOMPARE(o.value("batch").toInt(), 4);
    QCOMPARE(o.value("steps").toInt(), 5);
    QCOMPARE(o.value("seed").toInt(), 3);
    QVERIFY(o.contains("lr") && o.contains("warmup") && o.contains("weight_decay"));
    QVERIFY(o.value("seconds").toDouble() > 0);
    // tokens_per_second = steps × batch × (ctx − 1) / seconds
    QVERIFY(std::abs(o.value("tokens_per_second").toDouble() * o.value("seconds").toDouble() - 5 * 4 * 11) < 1e-6);
    QVERIFY(o.value("final_loss").toDouble() > 0);
    const double acc = o.value("accuracy").toDouble();
    QVERIFY(acc >= 0 && acc <= 1);
    const QJsonArray heads = o.value("heads_metrics").toArray();
    QCOMPARE(heads.size(), 4);
    QCOMPARE(heads[3].toObject().value("layer").toInt(), 1);
    QCOMPARE(heads[3].toObject().value("head").toInt(), 1);
    for (const char* key : {"previous_token", "induction", "first_token", "entropy"})
        QVERIFY2(heads[0].toObject().contains(key), key);
    // Progress on standard error without --quiet.
    const auto loud = run_attnviz({"train-transformer", "--task", "copy", "--embd", "16", "--heads", "2", "--ctx", "10",
                                   "--batch", "2", "--steps", "3"});
    QCOMPARE(loud.exit_code, 0);
    QVERIFY(loud.err.contains("step 3/3"));
}

void TestTrainTransformerCli::saves_a_checkpoint_folder()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path() + "/model";
    const auto r = run_attnviz({"train-transformer", "--task", "sort", "--embd", "8", "--heads", "2", "--ctx", "8",
                                "--vocab", "5", "--batch", "2", "--steps", "2", "--quiet", "--save", dir});
    QCOMPARE(r.exit_code, 0);
    for (const char* f : {"config.json", "model.safetensors", "tokenizer.json"})
        QVERIFY2(QFile::exists(dir + "/" + f), f);
    QCOMPARE(parse_json_object(r.out).value("saved").toString(), dir);
    QCOMPARE(parse_json_object(r.out).value("vocab").toInt(), 5);
    QCOMPARE(parse_json_object(r.out).value("model_vocab").toInt(), 6);  // with the separator
}

void TestTrainTransformerCli::trains_on_a_text_file()
{
    QTemporaryDir tmp;
    QFile f(tmp.path() + "/t.txt");
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("the cat sat on the mat. the dog sat on the log.\n");
    f.close();
    const auto r = run_attnviz({"train-transformer", "--task", f.fileName(), "--embd", "8", "--heads", "2", "--ctx",
                                "8", "--batch", "2", "--steps", "2", "--quiet"});
    QCOMPARE(r.exit_code, 0);
    const QJsonObject o = parse_json_object(r.out);
    QCOMPARE(o.value("task").toString(), QString("text"));
    QCOMPARE(o.value("vocab").toInt(), 15);  // distinct characters: t h e space c a s o n m . d g l newline
}

void TestTrainTransformerCli::bad_options_exit_2()
{
    expect_bad_input(run_attnviz({"train-transformer"}), "no --task given");
    expect_bad_input(run_attnviz({"train-transformer", "--task", "induction", "--layers", "13"}),
                     "--layers: 13 is over the limit of 12");
    expect_bad_input(run_attnviz({"train-transformer", "--task", "induction", "--heads", "3"}),
                     "embd 32 is not divisible by heads 3");
    expect_bad_input(run_attnviz({"train-transformer", "--task", "induction", "--ctx", "3"}), "--ctx");
    expect_bad_input(run_attnviz({"train-transformer", "--task", "induction", "--lr", "nan"}), "--lr");
    expect_bad_input(run_attnviz({"train-transformer", "--task", "induction", "--batch", "1024", "--ctx", "512",
                                  "--layers", "12"}),
                     "over the limit of 150 M");
    expect_bad_input(run_attnviz({"train-transformer", "--task", "induction", "--bogus"}), "unknown option --bogus");
}

void TestTrainTransformerCli::bad_task_files_exit_2()
{
    QTemporaryDir tmp;
    expect_bad_input(run_attnviz({"train-transformer", "--task", tmp.path() + "/none.txt"}), "none.txt");
    QFile small(tmp.path() + "/small.txt");
    QVERIFY(small.open(QIODevice::WriteOnly));
    small.write("abc");
    small.close();
    expect_bad_input(run_attnviz({"train-transformer", "--task", small.fileName(), "--ctx", "8"}),
                     "3 characters, need at least ctx + 1 = 9");
    QFile binary(tmp.path() + "/bin.txt");
    QVERIFY(binary.open(QIODevice::WriteOnly));
    binary.write(QByteArray("abcdefghij\xff\xfe", 12));
    binary.close();
    expect_bad_input(run_attnviz({"train-transformer", "--task", binary.fileName(), "--ctx", "4"}), "not UTF-8");
    expect_bad_input(run_attnviz({"train-transformer", "--task", tmp.path()}), tmp.path().toUtf8().constData());
}

QTEST_GUILESS_MAIN(TestTrainTransformerCli)
#include "test_train_transformer_cli.moc"
