// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/seq2seq_window.hpp"

#include "seq2seq_view/model_files.hpp"
#include "seq2seq_view/train_panel.hpp"
#include "seq2seq_view/train_settings_form.hpp"
#include "seq2seq_view/translate_panel.hpp"

#include "lessons/lesson_state.hpp"
#include "lessons/publish.hpp"
#include "playground/app_settings.hpp"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QShortcut>
#include <QStatusBar>
#include <QTabWidget>

namespace attnviz::seq2seq_view {

namespace {
constexpr int kStatusMs = 8000;
}  // namespace

Seq2SeqWindow::Seq2SeqWindow(QWidget* parent) : Seq2SeqWindow(Options{}, parent) {}

Seq2SeqWindow::Seq2SeqWindow(const Options& options, QWidget* parent) : QMainWindow(parent), options_(options)
{
    settings_ = options_.settings ? std::make_unique<playground::AppSettings>(options_.settings)
                                  : std::make_unique<playground::AppSettings>();
    setWindowTitle(tr("attnviz — seq2seq with Bahdanau attention"));
    setAttribute(Qt::WA_DeleteOnClose, parent != nullptr);  // a child window of the playground
    lessons::publishSeq2seqOpen(true);  // for the lessons' checks (app/lessons/publish.hpp)
    translate_ = new TranslatePanel;
    train_ = new TrainPanel;
    tabs_ = new QTabWidget;
    tabs_->addTab(translate_, tr("Translate"));
    tabs_->addTab(train_, tr("Train"));
    tabs_->setTabToolTip(0, tr("Translate with the current model and step through its attention"));
    tabs_->setTabToolTip(1, tr("Train a new model and watch its alignment form"));
    setCentralWidget(tabs_);
    modelLabel_ = new QLabel;
    modelLabel_->setToolTip(tr("The model the Translate tab uses"));
    statusBar()->addPermanentWidget(modelLabel_);
    buildMenus();
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int i) { lessons::publishSeq2seqTab(i == 1); });
    connect(train_->form()->datasetCombo(), &QComboBox::currentIndexChanged, this,
            [this] { lessons::publishSeq2seqFormDataset(train_->form()->datasetCombo()->currentData().toString()); });
    lessons::publishSeq2seqTab(false);
    // F1: the lesson of the tab shown, in the playground's Lessons dock.
    auto* f1 = new QShortcut(QKeySequence(Qt::Key_F1), this);
    connect(f1, &QShortcut::activated, this, [this] {
        lessons::LessonState::instance().requestLessonFor(tabs_->currentIndex() == 1 ? QStringLiteral("seq2seq.train")
                                                                                     : QStringLiteral("seq2seq.translate"));
    });
    lessons::publishSeq2seqFormDataset(train_->form()->datasetCombo()->currentData().toString());

    connect(train_, &TrainPanel::modelTrained, this, [this](const Seq2SeqModelPtr& m, const QString& summary) {
        setModel(m, summary);
        lessons::publishSeq2seqModel(*m, true);
        if (!translate_->sentenceEdit()->text().trimmed().isEmpty()) translate_->translateCurrent();
    });

    if (options_.loadDefaultModel) {
        const ModelLoadResult r = loadDefaultSeq2SeqModel();
        if (r.model) {
            setModel(r.model, tr("built-in toy-fr"));
            if (!options_.initialSentence.isEmpty()) translate_->translate(options_.initialSentence);
        } else {
            statusBar()->showMessage(r.error);
        }
    }
    resize(1280, 760);
}

Seq2SeqWindow::~Seq2SeqWindow() { lessons::publishSeq2seqOpen(false); }

void Seq2SeqWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open model…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open seq2seq model"), lastDirectory(),
                                                          tr("safetensors models (*.safetensors);;All files (*)"));
        if (!path.isEmpty()) openModelFile(path);
    });
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Load a model saved by attnviz (or a d2l PyTorch model as safetensors)"));
    QAction* save = file->addAction(tr("&Save model…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save seq2seq model"), lastDirectory(),
                                                          tr("safetensors models (*.safetensors)"));
        if (!path.isEmpty()) saveModelFile(path);
    });
    save->setShortcut(QKeySequence::Save);
    save->setToolTip(tr("Write the current model as safetensors (written to a temporary file, then renamed)"));
    file->addSeparator();
    file->addAction(tr("&Close"), QKeySequence::Close, this, &QWidget::close);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Translate"), QKeySequence(Qt::CTRL | Qt::Key_1), this, &Seq2SeqWindow::showTranslateTab);
    view->addAction(tr("T&rain"), QKeySequence(Qt::CTRL | Qt::Key_2), this, &Seq2SeqWindow::showTrainTab);
    // Opening a model while training would be confusing (which one wins?): wait for the end.
    connect(train_, &TrainPanel::trainingRunning, open, [open](bool running) { open->setEnabled(!running); });
}

void Seq2SeqWindow::showTranslateTab() { tabs_->setCurrentWidget(translate_); }
void Seq2SeqWindow::showTrainTab() { tabs_->setCurrentWidget(train_); }

void Seq2SeqWindow::setModel(Seq2SeqModelPtr model, const QString& origin)
{
    if (!model) return;
    model_ = std::move(model);
    origin_ = origin;
    translate_->setModel(model_);
    lessons::publishSeq2seqModel(*model_, false);
    modelLabel_->setText(tr("Model: %1 — %2").arg(origin, describeModel(*model_)));
    statusBar()->showMessage(tr("Using %1.").arg(origin), kStatusMs);
}

bool Seq2SeqWindow::openModelFile(const QString& path, QString* error)
{
    const ModelLoadResult r = loadSeq2SeqModel(path);
    if (!r.model) {
        if (error) *error = r.error;
        reportError(tr("Cannot open the model"), r.error);
        return false;
    }
    rememberDirectory(path);
    setModel(r.model, path);
    if (!translate_->sentenceEdit()->text().trimmed().isEmpty()) translate_->translateCurrent();
    return true;
}

bool Seq2SeqWindow::saveModelFile(const QString& path, QString* error)
{
    if (!model_) {
        if (error) *error = tr("no model to save");
        reportError(tr("Cannot save the model"), tr("There is no model to save."));
        return false;
    }
    const QString problem = saveSeq2SeqModel(path, *model_);
    if (!problem.isEmpty()) {
        if (error) *error = problem;
        reportError(tr("Cannot save the model"), problem);
        return false;
    }
    rememberDirectory(path);
    statusBar()->showMessage(tr("Saved %1.").arg(path), kStatusMs);
    return true;
}

void Seq2SeqWindow::reportError(const QString& title, const QString& message)
{
    statusBar()->showMessage(message, kStatusMs * 2);
    if (options_.prompts) QMessageBox::warning(this, title, message + tr("\n\nThe current model is unchanged."));
}

QString Seq2SeqWindow::lastDirectory() const { return settings_->lastDirectory(); }

void Seq2SeqWindow::rememberDirectory(const QString& file) { settings_->setLastDirectory(QFileInfo(file).absolutePath()); }

}  // namespace attnviz::seq2seq_view
