// SPDX-License-Identifier: GPL-3.0-or-later
// The Controls dock: variant, temperature, mask and the hyper-parameters of generated weights.
// Every control calls one undoable PlaygroundDocument setter and is refreshed from the
// document's signals, so undo/redo and file loads move the controls too.
#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QPushButton;
class QSlider;
class QSpinBox;

namespace attnviz::playground {
class PlaygroundDocument;
}

namespace attnviz::gui {

class TemperatureSpinBox;

class ControlsPanel : public QWidget {
    Q_OBJECT

public:
    explicit ControlsPanel(playground::PlaygroundDocument* document, QWidget* parent = nullptr);

    QComboBox* variantPicker() const { return variant_; }
    QSlider* temperatureSlider() const { return tempSlider_; }
    QDoubleSpinBox* temperatureSpin() const;
    QSpinBox* hiddenSpin() const { return hidden_; }
    QSpinBox* headsSpin() const { return heads_; }
    QDoubleSpinBox* seedSpin() const { return seed_; }

    // Slider position ↔ temperature: log10 scale over [0.01, 100], 100 steps per decade.
    static int sliderFromTemperature(double t);
    static double temperatureFromSlider(int position);

private:
    void syncFromDocument();

    playground::PlaygroundDocument* document_;
    QComboBox* variant_;
    QSlider* tempSlider_;
    TemperatureSpinBox* tempSpin_;
    QSpinBox* validLen_;
    QCheckBox* causal_;
    QPushButton* clearMask_;
    QSpinBox* hidden_;
    QSpinBox* heads_;
    QDoubleSpinBox* seed_;
    QPushButton* regenerate_;
};

}  // namespace attnviz::gui
