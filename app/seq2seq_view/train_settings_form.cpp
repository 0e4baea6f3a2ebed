// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/train_settings_form.hpp"

#include "shell/form_fields.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace attnviz::seq2seq_view {

TrainSettingsForm::TrainSettingsForm(QWidget* parent) : QWidget(parent)
{
    dataset_ = new QComboBox;
    dataset_->addItem(tr("dates → ISO (characters)"), QStringLiteral("dates"));
    dataset_->addItem(tr("toy English → French"), QStringLiteral("toy-fr"));
    dataset_->addItem(tr("reverse a sequence"), QStringLiteral("reverse"));
    dataset_->addItem(tr("tab-separated file…"), QStringLiteral("file"));
    dataset_->setToolTip(tr("The sentence pairs to train on: a generated dataset (no download), or a "
                            "tab-separated file of pairs such as the Tatoeba fra.txt (d2l's pipeline)"));
    file_ = shell::pathField(tr("The tab-separated sentence-pair file (source TAB target per line)"));
    browse_ = shell::browseButton(tr("Choose a tab-separated sentence-pair file"));
    examples_ = shell::spinField(1, 1000000, tr("Generated pairs, or a file's first lines (d2l reads N + 1 lines)"));
    embed_ = shell::spinField(1, 1024, tr("Embedding size E of the encoder and decoder (d2l: 32)"));
    hidden_ = shell::spinField(1, 1024, tr("GRU hidden size H, also the attention's size (d2l: 32)"));
    layers_ = shell::spinField(1, 8, tr("GRU layers in the encoder and in the decoder (d2l: 2)"));
    dropout_ = shell::doubleSpinField(0.0, 0.9, 2, 0.05, tr("Dropout between GRU layers and on the attention weights, training only (d2l: 0.1)"));
    batch_ = shell::spinField(1, 4096, tr("Sentence pairs per batch (d2l: 64)"));
    steps_ = shell::spinField(2, 256, tr("Padded sequence length: longer sentences are truncated (d2l: 10; dates: 32)"));
    lr_ = shell::doubleSpinField(0.00001, 1.0, 5, 0.001, tr("Adam learning rate (d2l: 0.005)"));
    epochs_ = shell::spinField(1, 100000, tr("Passes over the training pairs"));
    seed_ = shell::spinField(0, 1000000000, tr("Seed of the initialisation, shuffling, dropout and the held-out split: the same "
                                               "seed gives the same run"));
    heldOut_ = shell::doubleSpinField(0.0, 0.9, 2, 0.05, tr("Fraction of the pairs kept out of training to measure BLEU (0 = train on all)"));
    probe_ = new QLineEdit;
    probe_->setToolTip(tr("Translated every few epochs during training: its alignment heatmap shows the "
                          "attention forming"));

    QGridLayout* grid = shell::formGrid(this);
    auto add = [grid](int row, int col, const QString& label, QWidget* w) {
        shell::addFormField(grid, row, col, label, w);
    };
    add(0, 0, tr("&Dataset"), dataset_);
    add(0, 1, tr("E&xamples"), examples_);
    shell::addFileRow(grid, 1, file_, browse_);
    add(2, 0, tr("&Embed"), embed_);
    add(2, 1, tr("&Hidden"), hidden_);
    add(3, 0, tr("&Layers"), layers_);
    add(3, 1, tr("Dr&opout"), dropout_);
    add(4, 0, tr("&Batch"), batch_);
    add(4, 1, tr("S&teps"), steps_);
    add(5, 0, tr("Learning &rate"), lr_);
    add(5, 1, tr("E&pochs"), epochs_);
    add(6, 0, tr("See&d"), seed_);
    add(6, 1, tr("Held &out"), heldOut_);
    add(7, 0, tr("Pro&be"), probe_);
    grid->addWidget(probe_, 7, 1, 1, 3);

    connect(dataset_, &QComboBox::currentIndexChanged, this, &TrainSettingsForm::onDatasetChanged);
    connect(browse_, &QPushButton::clicked, this, &TrainSettingsForm::chooseFile);
    setJob(defaultTrainJob(QStringLiteral("toy-fr")));
}

void TrainSettingsForm::onDatasetChanged()
{
    TrainJob d = defaultTrainJob(dataset_->currentData().toString());
    // Keep the user's model and optimiser choices; the dataset's own defaults change.
    const TrainJob now = job();
    d.config = now.config;
    d.options.batch_size = now.options.batch_size;
    d.options.lr = now.options.lr;
    d.options.seed = now.options.seed;
    d.heldOut = now.heldOut;
    d.file = now.file;
    setJob(d);
}

void TrainSettingsForm::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Sentence pairs"), file_->text(),
                                                      tr("Tab-separated text (*.txt *.tsv);;All files (*)"));
    if (path.isEmpty()) return;
    file_->setText(path);
    dataset_->setCurrentIndex(dataset_->findData(QStringLiteral("file")));
}

TrainJob TrainSettingsForm::job() const
{
    TrainJob j;
    j.dataset = dataset_->currentData().toString();
    j.file = file_->text();
    j.examples = examples_->value();
    j.numSteps = steps_->value();
    j.config.embed = embed_->value();
    j.config.hidden = hidden_->value();
    j.config.layers = layers_->value();
    j.config.dropout = dropout_->value();
    j.options.epochs = epochs_->value();
    j.options.batch_size = batch_->value();
    j.options.lr = lr_->value();
    j.options.seed = static_cast<std::uint64_t>(seed_->value());
    j.heldOut = heldOut_->value();
    j.probe = probe_->text();
    j.snapshotEvery = defaultSnapshotEvery(j.options.epochs);
    return j;
}

void TrainSettingsForm::setJob(const TrainJob& j)
{
    const QSignalBlocker block(dataset_);
    dataset_->setCurrentIndex(std::max(0, dataset_->findData(j.dataset)));
    file_->setText(j.file);
    const bool isFile = j.dataset == QLatin1String("file");
    file_->setEnabled(isFile);
    examples_->setValue(j.examples);
    steps_->setValue(j.numSteps);
    embed_->setValue(j.config.embed);
    hidden_->setValue(j.config.hidden);
    layers_->setValue(j.config.layers);
    dropout_->setValue(j.config.dropout);
    epochs_->setValue(j.options.epochs);
    batch_->setValue(j.options.batch_size);
    lr_->setValue(j.options.lr);
    seed_->setValue(static_cast<int>(j.options.seed));
    heldOut_->setValue(j.heldOut);
    probe_->setText(j.probe);
}

QString TrainSettingsForm::validate() const
{
    if (dataset_->currentData().toString() == QLatin1String("file")) {
        if (file_->text().isEmpty()) return tr("Choose a tab-separated file first (Browse…).");
        if (!QFileInfo(file_->text()).isReadable()) return tr("Cannot read %1.").arg(file_->text());
    }
    return {};
}

}  // namespace attnviz::seq2seq_view
