// SPDX-License-Identifier: GPL-3.0-or-later
// The Train tab's settings: dataset (built-in or a tab-separated file), examples, the model's
// and the optimiser's hyper-parameters (defaults: the d2l book's, from the core) and the probe
// sentence whose alignment is snapshotted during training. It edits a TrainJob, nothing else.
#pragma once

#include "seq2seq_view/seq2seq_types.hpp"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace attnviz::seq2seq_view {

class TrainSettingsForm : public QWidget {
    Q_OBJECT

public:
    explicit TrainSettingsForm(QWidget* parent = nullptr);

    // The job as set in the form (validate() first).
    TrainJob job() const;
    void setJob(const TrainJob& job);
    // Empty when the job can start, else what is missing (a file not chosen, say).
    QString validate() const;

    QComboBox* datasetCombo() const { return dataset_; }
    QLineEdit* probeEdit() const { return probe_; }
    QSpinBox* epochsSpin() const { return epochs_; }

private:
    void onDatasetChanged();
    void chooseFile();

    QComboBox* dataset_;
    QLineEdit* file_;
    QPushButton* browse_;
    QSpinBox *examples_, *embed_, *hidden_, *layers_, *batch_, *steps_, *epochs_, *seed_;
    QDoubleSpinBox *dropout_, *lr_, *heldOut_;
    QLineEdit* probe_;
};

}  // namespace attnviz::seq2seq_view
