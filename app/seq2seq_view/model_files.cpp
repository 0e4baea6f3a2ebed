// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/model_files.hpp"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include "attnviz/core/atomic_write.hpp"
#include <QTemporaryFile>

#include <exception>
#include <map>

namespace attnviz::seq2seq_view {

ModelLoadResult loadSeq2SeqModel(const QString& path)
{
    ModelLoadResult r;
    QString diskPath = path;
    QTemporaryFile temp;  // only for a resource: lives until the model is read
    if (path.startsWith(QLatin1String(":/"))) {
        QFile resource(path);
        if (!resource.open(QIODevice::ReadOnly)) {
            r.error = QObject::tr("%1: the embedded model is missing").arg(path);
            return r;
        }
        const QByteArray bytes = resource.readAll();
        if (!temp.open() || temp.write(bytes) != bytes.size() || !temp.flush()) {
            r.error = QObject::tr("cannot copy %1 to a temporary file: %2").arg(path, temp.errorString());
            return r;
        }
        diskPath = temp.fileName();
    }
    try {
        auto loaded = std::make_shared<seq2seq::LoadedModel>(seq2seq::load_model(diskPath.toStdString()));
        r.model = std::move(loaded);
    } catch (const std::exception& e) {
        QString message = QString::fromUtf8(e.what());
        if (diskPath != path) message.replace(diskPath, path);  // name the resource, not the copy
        r.error = message;
    }
    return r;
}

ModelLoadResult loadDefaultSeq2SeqModel() { return loadSeq2SeqModel(QString::fromLatin1(kDefaultModelResource)); }

QString saveSeq2SeqModel(const QString& path, const seq2seq::LoadedModel& model)
{
    std::vector<std::byte> bytes;
    try {
        // model_bytes wants a mutable model (it walks parameters()); a copy leaves ours const.
        seq2seq::Seq2SeqModel<float> copy = model.model;
        std::map<std::string, std::string> extra;
        for (const auto& [k, v] : model.metadata) {
            static const char* core_keys[] = {"format", "src_vocab", "tgt_vocab", "embed_size", "num_hiddens",
                                              "num_layers", "dropout", "num_steps"};
            bool mine = true;
            for (const char* c : core_keys) mine = mine && k != c;
            if (mine) extra[k] = v;
        }
        bytes = seq2seq::model_bytes(copy, model.src_vocab, model.tgt_vocab, model.num_steps, extra);
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    // A device or FIFO must not be replaced by QSaveFile's rename: the core's check refuses it.
    try {
        files::check_save_target(path.toStdString());
    } catch (const std::exception& e) {
        return QObject::tr("cannot write %1: %2").arg(path, QString::fromUtf8(e.what()));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return QObject::tr("cannot write %1: %2").arg(path, file.errorString());
    const auto size = static_cast<qint64>(bytes.size());
    if (file.write(reinterpret_cast<const char*>(bytes.data()), size) != size || !file.commit())
        return QObject::tr("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

}  // namespace attnviz::seq2seq_view
