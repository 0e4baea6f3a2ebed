// SPDX-License-Identifier: GPL-3.0-or-later
// The lab's task and hyper-parameters: the task (induction, copy, reverse, sort, or a text file),
// the model's sizes, the optimiser's settings, the snapshot interval and the one-layer
// comparison. Defaults come from the core's transformer::default_config(task), bounds from
// transformer::LabLimits (the command line's), and validate() asks the core's check_lab_config,
// so the form refuses exactly what `attnviz train-transformer` refuses. It edits a LabJob,
// nothing else.
#pragma once

#include "transformer_lab/lab_types.hpp"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace attnviz::transformer_lab {

class LabSettingsForm : public QWidget {
    Q_OBJECT

public:
    explicit LabSettingsForm(QWidget* parent = nullptr);

    // The job as set in the form (validate() first).
    LabJob job() const;
    void setJob(const LabJob& job);
    // Empty when the job can start, else one line saying what is wrong (the core's message for
    // a value out of range or heads not dividing the width; a text file not chosen).
    QString validate() const;

    QComboBox* taskCombo() const { return task_; }
    QLineEdit* fileEdit() const { return file_; }
    QSpinBox* layersSpin() const { return layers_; }
    QSpinBox* headsSpin() const { return heads_; }
    QSpinBox* embdSpin() const { return embd_; }
    QSpinBox* ctxSpin() const { return ctx_; }
    QSpinBox* vocabSpin() const { return vocab_; }
    QSpinBox* batchSpin() const { return batch_; }
    QSpinBox* stepsSpin() const { return steps_; }
    QSpinBox* snapshotSpin() const { return snapshot_; }
    QDoubleSpinBox* lrSpin() const { return lr_; }
    QDoubleSpinBox* initStdSpin() const { return initStd_; }
    QCheckBox* compareCheck() const { return compare_; }

private:
    void onTaskChanged();
    void chooseFile();

    QComboBox* task_;
    QLineEdit* file_;
    QPushButton* browse_;
    QSpinBox *layers_, *heads_, *embd_, *ctx_, *vocab_, *batch_, *steps_, *warmup_, *seed_, *snapshot_;
    QDoubleSpinBox *lr_, *decay_, *initStd_;
    QCheckBox* compare_;
    // The configuration last set: what the form has no field for (sinusoidal positions) is kept.
    transformer::LabConfig base_;
};

}  // namespace attnviz::transformer_lab
