// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/train_controls.hpp"

#include "shell/training_runner.hpp"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace attnviz::shell {

TrainButtons::TrainButtons()
    : train_(new QPushButton(QObject::tr("&Train"))), pause_(new QPushButton(QObject::tr("&Pause"))),
      stop_(new QPushButton(QObject::tr("&Stop")))
{
}

void TrainButtons::connectTo(TrainingRunnerBase* runner)
{
    QObject::connect(pause_, &QPushButton::clicked, runner, [runner] {
        if (runner->isPaused()) runner->resume();
        else runner->pause();
    });
    QObject::connect(stop_, &QPushButton::clicked, runner, &TrainingRunnerBase::stop);
    QObject::connect(runner, &TrainingRunnerBase::pausedChanged, pause_, [pause = pause_](bool paused) {
        pause->setText(paused ? QObject::tr("&Resume") : QObject::tr("&Pause"));
    });
}

void TrainButtons::setRunning(bool running)
{
    train_->setEnabled(!running);
    pause_->setEnabled(running);
    stop_->setEnabled(running);
    pause_->setText(QObject::tr("&Pause"));
}

QWidget* trainingColumn(const QString& settingsTitle, QWidget* form, const TrainButtons& buttons,
                        QProgressBar* progress, QLabel* status, QLabel* result, QLayout* extra)
{
    auto* settingsBox = new QGroupBox(settingsTitle);
    auto* settingsLayout = new QVBoxLayout(settingsBox);
    settingsLayout->addWidget(form);
    auto* row = new QHBoxLayout;
    row->addWidget(buttons.train());
    row->addWidget(buttons.pause());
    row->addWidget(buttons.stop());
    auto* runBox = new QGroupBox(QObject::tr("Run"));
    auto* runLayout = new QVBoxLayout(runBox);
    runLayout->addLayout(row);
    runLayout->addWidget(progress);
    runLayout->addWidget(status);
    runLayout->addWidget(result);
    if (extra) runLayout->addLayout(extra);
    runLayout->addStretch(1);
    auto* column = new QWidget;
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(settingsBox);
    layout->addWidget(runBox, 1);
    return column;
}

QString durationText(double seconds)
{
    const auto s = static_cast<long long>(std::lround(std::max(0.0, seconds)));
    return s >= 60 ? QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'))
                   : QObject::tr("%1 s").arg(s);
}

}  // namespace attnviz::shell
