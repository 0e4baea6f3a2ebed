// SPDX-License-Identifier: GPL-3.0-or-later
#include "lessons/lessons_panel.hpp"

#include "lessons/condition.hpp"
#include "lessons/lesson_actions.hpp"
#include "lessons/lesson_library.hpp"
#include "lessons/lesson_state.hpp"
#include "lessons/lesson_text.hpp"

#include "gui/main_window.hpp"
#include "playground/app_settings.hpp"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QVBoxLayout>

namespace attnviz::lessons {

namespace {
const QString kTick = QStringLiteral("✓");
const QString kOpen = QStringLiteral("○");
}  // namespace

struct LessonsPanel::TaskRow {
    QFrame* frame = nullptr;
    QLabel* tick = nullptr;
    QLabel* text = nullptr;
    QPushButton* hint = nullptr;
    QLabel* hintText = nullptr;
    QPushButton* show = nullptr;
};

LessonsPanel::LessonsPanel(gui::MainWindow* window, playground::AppSettings* settings, QWidget* parent)
    : QWidget(parent), window_(window), settings_(settings), actions_(std::make_unique<LessonActions>(window))
{
    setObjectName(QStringLiteral("lessons"));
    try {
        lessons_ = shippedLessons();
    } catch (const LessonError& e) {
        // A shipped lesson that does not parse is our bug (test_lesson_parser catches it); the
        // panel still shows the others.
        qWarning("%s", e.what());
    }
    picker_ = new QComboBox;
    picker_->setToolTip(tr("The course, in order; a ✓ marks a lesson whose tasks are all done"));
    picker_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    picker_->setMinimumContentsLength(16);
    previous_ = new QPushButton(QStringLiteral("◀"));
    previous_->setToolTip(tr("The previous lesson"));
    next_ = new QPushButton(QStringLiteral("▶"));
    next_->setToolTip(tr("The next lesson"));
    for (QPushButton* b : {previous_, next_}) b->setFixedWidth(b->fontMetrics().horizontalAdvance(QStringLiteral("◀")) * 3);
    title_ = new QLabel;
    title_->setWordWrap(true);
    QFont big = title_->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.25);
    title_->setFont(big);
    text_ = new QLabel;
    text_->setWordWrap(true);
    text_->setTextFormat(Qt::RichText);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text_->setObjectName(QStringLiteral("lessonText"));
    setup_ = new QPushButton(tr("&Setup"));
    setup_->setToolTip(tr("Put the program in this lesson's starting state (the playground's session is replaced)"));
    message_ = new QLabel;
    message_->setWordWrap(true);
    message_->setStyleSheet(QStringLiteral("QLabel { color: #c0392b; }"));
    message_->hide();
    tasksBox_ = new QWidget;
    tasksLayout_ = new QVBoxLayout(tasksBox_);
    tasksLayout_->setContentsMargins(0, 0, 0, 0);
    progress_ = new QLabel;
    progress_->setToolTip(tr("Tasks done over the whole course (kept between runs)"));
    reset_ = new QPushButton(tr("Reset progress"));
    reset_->setToolTip(tr("Forget every task done, in every lesson"));

    auto* top = new QHBoxLayout;
    top->addWidget(previous_);
    top->addWidget(picker_, 1);
    top->addWidget(next_);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(progress_, 1);
    bottom->addWidget(reset_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(title_);
    layout->addWidget(text_);
    layout->addWidget(setup_, 0, Qt::AlignLeft);
    layout->addWidget(message_);
    layout->addWidget(tasksBox_);
    layout->addStretch(1);
    layout->addLayout(bottom);

    connect(picker_, &QComboBox::activated, this, &LessonsPanel::showLessonAt);
    connect(previous_, &QPushButton::clicked, this, [this] { showLessonAt(current_ - 1); });
    connect(next_, &QPushButton::clicked, this, [this] { showLessonAt(current_ + 1); });
    connect(setup_, &QPushButton::clicked, this, [this] { showMessage(runSetup()); });
    connect(reset_, &QPushButton::clicked, this, [this] {
        const auto answer = QMessageBox::question(this, tr("Reset progress"),
                                                  tr("Forget every task done, in every lesson?"));
        if (answer == QMessageBox::Yes) resetProgress();
    });
    connect(&LessonState::instance(), &LessonState::changed, this, [this] { evaluate(true); });

    rebuildPicker();
    if (!showLesson(settings_->currentLesson()) && !lessons_.empty()) showLessonAt(0);
}

LessonsPanel::~LessonsPanel() = default;

const Lesson* LessonsPanel::currentLesson() const
{
    return current_ >= 0 && current_ < lessonCount() ? &lessons_[std::size_t(current_)] : nullptr;
}

void LessonsPanel::rebuildPicker()
{
    const QSignalBlocker block(picker_);
    picker_->clear();
    const QStringList done = settings_->lessonTasksDone();
    for (int i = 0; i < lessonCount(); ++i) {
        const Lesson& l = lessons_[std::size_t(i)];
        bool all = true;
        for (std::size_t t = 0; t < l.tasks.size(); ++t)
            all = all && done.contains(QStringLiteral("%1#%2").arg(QString::fromStdString(l.id)).arg(t + 1));
        picker_->addItem(QStringLiteral("%1%2. %3").arg(all ? kTick + QLatin1Char(' ') : QString()).arg(i + 1)
                             .arg(QString::fromStdString(l.title)),
                         QString::fromStdString(l.id));
        picker_->setItemData(i, QString::fromStdString(l.file), Qt::ToolTipRole);
    }
    picker_->setCurrentIndex(current_);
}

bool LessonsPanel::showLesson(const QString& id)
{
    for (int i = 0; i < lessonCount(); ++i)
        if (QString::fromStdString(lessons_[std::size_t(i)].id) == id) {
            showLessonAt(i);
            return true;
        }
    return false;
}

void LessonsPanel::showLessonAt(int index)
{
    if (index < 0 || index >= lessonCount()) return;
    current_ = index;
    const Lesson& l = lessons_[std::size_t(index)];
    settings_->setCurrentLesson(QString::fromStdString(l.id));
    picker_->setCurrentIndex(index);
    previous_->setEnabled(index > 0);
    next_->setEnabled(index + 1 < lessonCount());
    title_->setText(QString::fromStdString(l.title));
    text_->setText(lessonTextToHtml(l.text));
    message_->hide();
    rebuildTasks();
    evaluate(false);
}

bool LessonsPanel::showLessonForPanel(const QString& panel)
{
    for (int i = 0; i < lessonCount(); ++i)
        for (const std::string& p : lessons_[std::size_t(i)].panels)
            if (QString::fromStdString(p) == panel) {
                showLessonAt(i);
                return true;
            }
    return false;
}

int LessonsPanel::addLesson(Lesson lesson)
{
    int index = -1;
    for (int i = 0; i < lessonCount(); ++i)
        if (lessons_[std::size_t(i)].id == lesson.id) index = i;
    if (index < 0) {
        lessons_.push_back(std::move(lesson));
        index = lessonCount() - 1;
    } else {
        lessons_[std::size_t(index)] = std::move(lesson);
    }
    current_ = index;
    rebuildPicker();
    showLessonAt(index);
    return index;
}

bool LessonsPanel::openLessonFile(const QString& path, QString* error)
{
    try {
        addLesson(loadLessonFile(path));
        return true;
    } catch (const LessonError& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
}

void LessonsPanel::rebuildTasks()
{
    for (auto& row : rows_) {
        row->frame->hide();  // gone at once: a grab before the event loop runs must not show it
        row->frame->deleteLater();
    }
    rows_.clear();
    const Lesson* l = currentLesson();
    if (!l) return;
    for (std::size_t t = 0; t < l->tasks.size(); ++t) {
        const Task& task = l->tasks[t];
        auto row = std::make_unique<TaskRow>();
        row->frame = new QFrame(tasksBox_);
        row->frame->setFrameShape(QFrame::StyledPanel);
        row->tick = new QLabel(kOpen);
        QFont f = row->tick->font();
        f.setPointSizeF(f.pointSizeF() * 1.5);
        f.setBold(true);
        row->tick->setFont(f);
        row->tick->setFixedWidth(row->tick->fontMetrics().horizontalAdvance(QStringLiteral("✓✓")));
        row->tick->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
        row->text = new QLabel(QStringLiteral("<b>%1.</b> %2").arg(t + 1).arg(inlineToHtml(QString::fromStdString(task.text))));
        row->text->setWordWrap(true);
        row->text->setTextFormat(Qt::RichText);
        row->text->setToolTip(tr("Checked: %1").arg(QString::fromStdString(task.checkSource)));
        row->hint = new QPushButton(tr("Hint"));
        row->hint->setCheckable(true);
        row->hint->setToolTip(tr("Show or hide a hint"));
        row->hintText = new QLabel(inlineToHtml(QString::fromStdString(task.hint)));
        row->hintText->setWordWrap(true);
        row->hintText->setTextFormat(Qt::RichText);
        row->hintText->setForegroundRole(QPalette::PlaceholderText);
        row->hintText->hide();
        row->show = new QPushButton(tr("Show me"));
        QStringList steps;
        for (const Action& a : task.show) steps << QString::fromStdString(a.toString());
        row->show->setToolTip(tr("Do it for me: %1").arg(steps.join(QStringLiteral("; "))));
        auto* grid = new QGridLayout(row->frame);
        grid->setContentsMargins(6, 4, 6, 4);
        grid->addWidget(row->tick, 0, 0, 2, 1);
        grid->addWidget(row->text, 0, 1, 1, 3);
        grid->addWidget(row->hintText, 1, 1, 1, 3);
        grid->addWidget(row->hint, 2, 1);
        grid->addWidget(row->show, 2, 2);
        grid->setColumnStretch(3, 1);
        grid->setColumnStretch(1, 0);
        tasksLayout_->addWidget(row->frame);
        connect(row->hint, &QPushButton::toggled, row->hintText, &QWidget::setVisible);
        const int index = int(t);
        connect(row->show, &QPushButton::clicked, this, [this, index] { showMessage(runShowMe(index)); });
        rows_.push_back(std::move(row));
    }
    ticked_.assign(l->tasks.size(), false);
    armed_.assign(l->tasks.size(), false);
}

QString LessonsPanel::runSetup()
{
    const Lesson* l = currentLesson();
    return l ? actions_->perform(l->setup) : QString();
}

QString LessonsPanel::runShowMe(int task)
{
    const Lesson* l = currentLesson();
    if (!l || task < 0 || task >= int(l->tasks.size())) return {};
    return actions_->perform(l->tasks[std::size_t(task)].show);
}

void LessonsPanel::showMessage(const QString& text)
{
    message_->setText(text);
    message_->setVisible(!text.isEmpty());
}

QString LessonsPanel::doneKey(int task) const
{
    return QStringLiteral("%1#%2").arg(QString::fromStdString(currentLesson()->id)).arg(task + 1);
}

void LessonsPanel::evaluate(bool record)
{
    const Lesson* l = currentLesson();
    if (!l) return;
    QStringList done = settings_->lessonTasksDone();
    bool recorded = false;
    for (std::size_t t = 0; t < l->tasks.size() && t < rows_.size(); ++t) {
        const bool now = lessons::evaluate(l->tasks[t].check, LessonState::instance());
        const bool was = ticked_[t];
        ticked_[t] = now;
        const QString key = doneKey(int(t));
        // Earned: the check turned true while this lesson was shown. A state that satisfied it
        // before (left over from another lesson) shows the tick but does not count as done.
        if (now && record && armed_[t] && !done.contains(key)) {
            done << key;
            recorded = true;
        }
        if (!now) armed_[t] = true;
        TaskRow& row = *rows_[t];
        const bool earlier = done.contains(key);
        row.tick->setText(now || earlier ? kTick : kOpen);
        row.tick->setStyleSheet(now ? QStringLiteral("QLabel { color: #1e8449; }")
                                    : earlier ? QStringLiteral("QLabel { color: #999999; }") : QString());
        row.tick->setToolTip(now ? tr("Done: the program's state satisfies this task")
                             : earlier ? tr("Done earlier; the state no longer satisfies it")
                                       : tr("Not done yet"));
        if (now && !was) emit taskTicked(int(t));
    }
    if (recorded) {
        settings_->setLessonTasksDone(done);
        rebuildPicker();
    }
    updateProgressLabel();
}

bool LessonsPanel::isTicked(int task) const { return task >= 0 && task < int(ticked_.size()) && ticked_[std::size_t(task)]; }

bool LessonsPanel::isDone(int task) const
{
    return currentLesson() && settings_->lessonTasksDone().contains(doneKey(task));
}

int LessonsPanel::tasksDone() const { return int(settings_->lessonTasksDone().size()); }

void LessonsPanel::resetProgress()
{
    settings_->setLessonTasksDone({});
    rebuildPicker();
    evaluate(false);
}

void LessonsPanel::updateProgressLabel()
{
    int total = 0;
    for (const Lesson& l : lessons_) total += int(l.tasks.size());
    progress_->setText(tr("%1 of %2 tasks done").arg(tasksDone()).arg(total));
}

QPushButton* LessonsPanel::showMeButton(int task) const { return task >= 0 && task < int(rows_.size()) ? rows_[std::size_t(task)]->show : nullptr; }
QPushButton* LessonsPanel::hintButton(int task) const { return task >= 0 && task < int(rows_.size()) ? rows_[std::size_t(task)]->hint : nullptr; }
QLabel* LessonsPanel::hintLabel(int task) const { return task >= 0 && task < int(rows_.size()) ? rows_[std::size_t(task)]->hintText : nullptr; }
QLabel* LessonsPanel::tickLabel(int task) const { return task >= 0 && task < int(rows_.size()) ? rows_[std::size_t(task)]->tick : nullptr; }

// ---- the dock ----

LessonsDock::LessonsDock(gui::MainWindow* window, playground::AppSettings* settings)
    : QDockWidget(tr("Lessons"), window), window_(window), settings_(settings)
{
    setObjectName(QStringLiteral("lessonsDock"));  // the saveState() key
    panel_ = new LessonsPanel(window, settings);
    auto* scroll = new QScrollArea;
    scroll->setWidget(panel_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(300);
    setWidget(scroll);
    toggleViewAction()->setToolTip(tr("Show or hide the Lessons panel"));
    window->addDockWidget(Qt::RightDockWidgetArea, this, Qt::Horizontal);
    hide();
    // While a lesson is shown it gets the window's full height: the right dock area takes the
    // bottom-right corner from the result panels below the heatmap.
    connect(this, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        // Through qobject_cast: while the window is being destroyed it is no QMainWindow any more
        // (its children are hidden from ~QWidget), and the corner no longer matters.
        if (auto* main = qobject_cast<QMainWindow*>(parentWidget()))
            main->setCorner(Qt::BottomRightCorner, visible ? Qt::RightDockWidgetArea : Qt::BottomDockWidgetArea);
    });

    show_ = new QAction(tr("&Lessons"), this);
    show_->setToolTip(tr("A guided course through attention that checks what you do (F1: the lesson of "
                         "the panel you are in)"));
    connect(show_, &QAction::triggered, this, &LessonsDock::showDock);
    open_ = new QAction(tr("Open &lesson…"), this);
    open_->setToolTip(tr("Open a lesson file a teacher wrote (docs/lessons.md describes the format)"));
    connect(open_, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(window_, tr("Open lesson"), settings_->lastDirectory(),
                                                          tr("Lessons (*.lesson);;All files (*)"));
        if (path.isEmpty()) return;
        settings_->setLastDirectory(QFileInfo(path).absolutePath());
        QString error;
        if (panel_->openLessonFile(path, &error)) showDock();
        else QMessageBox::warning(window_, tr("Cannot open the lesson"), error);
    });
    auto* f1 = new QShortcut(QKeySequence(Qt::Key_F1), window);
    f1->setContext(Qt::WindowShortcut);
    connect(f1, &QShortcut::activated, this, &LessonsDock::helpForFocusedPanel);
    connect(&LessonState::instance(), &LessonState::lessonRequested, this, [this](const QString& panel) {
        panel_->showLessonForPanel(panel);
        showDock();
        window_->show();
        window_->raise();  // the dock lives in the playground window
    });
}

void LessonsDock::showDock()
{
    show();
    raise();
}

void LessonsDock::helpForFocusedPanel()
{
    for (QWidget* w = QApplication::focusWidget(); w; w = w->parentWidget()) {
        if (w == this) break;
        if (!w->objectName().isEmpty() && panel_->showLessonForPanel(w->objectName())) break;
    }
    showDock();
}

}  // namespace attnviz::lessons
