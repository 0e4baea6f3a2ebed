// SPDX-License-Identifier: GPL-3.0-or-later
// The attention-file inspector (issue 5) on a generated 12 layers × 12 heads × 512 × 512
// float32 .npy (151 MB), written once to a temporary directory:
//   BM_InspectorOpenModelView   open + every thumbnail rendered + the model grid painted (< 1 s)
//   BM_InspectorSwitchHead      show another head in the zoomable heatmap and paint (< 16 ms)
//   BM_InspectorHead4096        one 4096 × 4096 head set and painted (< 100 ms)
//   BM_InspectorZoomPan4096     one zoom or pan step on it, repainted (< 33 ms)
//   BM_InspectorPeakRss         peak RSS (getrusage ru_maxrss) after opening and drawing the
//                               model view, against the file size; run it alone, first, in a
//                               fresh process (--benchmark_filter=PeakRss) for a clean figure.
// Painting goes into a QImage of the widget's size (offscreen platform), as the screen would.
// The app's loader runs load_attention + renderThumbnails on a worker; timed here directly.
#include "attnviz/core/inspect/downsample.hpp"
#include "attnviz/core/inspect/load_attention.hpp"
#include "attnviz/widgets/inspector/head_thumbnails.hpp"
#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"
#include "attnviz/widgets/inspector/zoomable_heatmap_widget.hpp"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace attnviz;

void ensureApplication()
{
    if (QApplication::instance()) return;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "attnviz_bench";
    static char* argv[] = {name, nullptr};
    static QApplication app(argc, argv);
}

constexpr int kLayers = 12, kHeads = 12, kTokens = 512;

// The file, written head by head (1 MB at a time, so writing it adds nothing to the peak RSS):
// each row a softmax-like local pattern, a(i, j) ∝ exp(-|i - j| / (1 + h)).
const std::string& modelFile()
{
    static QTemporaryDir dir;
    static std::string path;
    if (!path.empty()) return path;
    path = dir.filePath("model.npy").toStdString();
    std::ofstream out(path, std::ios::binary);
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (12, 12, 512, 512), }";
    header += std::string(64 - (10 + header.size() + 1) % 64, ' ') + "\n";
    const unsigned short len = static_cast<unsigned short>(header.size());
    out.write("\x93NUMPY\x01\x00", 8);
    out.write(reinterpret_cast<const char*>(&len), 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    std::vector<float> head(static_cast<std::size_t>(kTokens) * kTokens);
    for (int l = 0; l < kLayers; ++l)
        for (int h = 0; h < kHeads; ++h) {
            for (int i = 0; i < kTokens; ++i) {
                float sum = 0;
                float* row = head.data() + static_cast<std::size_t>(i) * kTokens;
                for (int j = 0; j < kTokens; ++j) sum += row[j] = std::exp(-std::abs(i - j) / (1.f + h + l));
                for (int j = 0; j < kTokens; ++j) row[j] /= sum;
            }
            out.write(reinterpret_cast<const char*>(head.data()), static_cast<std::streamsize>(head.size() * sizeof(float)));
        }
    return path;
}

// The whole widget painted into an image, as a repaint of the window would.
void paintWidget(QWidget& w, QImage& target)
{
    QPainter painter(&target);
    w.render(&painter);
}

void openAndDrawModel(QImage& target, widgets::ThumbnailGridWidget& grid)
{
    const inspect::AttentionStack stack = inspect::load_attention(modelFile());
    grid.setThumbnails(static_cast<int>(stack.layers()), static_cast<int>(stack.heads()),
                       widgets::renderThumbnails(stack, 64));
    paintWidget(grid, target);
}

void BM_InspectorPeakRss(benchmark::State& state)
{
    ensureApplication();
    const std::string& path = modelFile();
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
    widgets::ThumbnailGridWidget grid;
    grid.resize(1200, 760);
    QImage target(grid.size(), QImage::Format_RGB32);
    for (auto _ : state) openAndDrawModel(target, grid);
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    state.counters["peak_rss_before_MB"] = static_cast<double>(before.ru_maxrss) / 1e3;  // ru_maxrss is in KiB
    state.counters["peak_rss_MB"] = static_cast<double>(after.ru_maxrss) / 1e3;
}
BENCHMARK(BM_InspectorPeakRss)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_InspectorOpenModelView(benchmark::State& state)
{
    ensureApplication();
    modelFile();
    widgets::ThumbnailGridWidget grid;
    grid.resize(1200, 760);
    QImage target(grid.size(), QImage::Format_RGB32);
    for (auto _ : state) openAndDrawModel(target, grid);
}
BENCHMARK(BM_InspectorOpenModelView)->Unit(benchmark::kMillisecond);

void BM_InspectorSwitchHead(benchmark::State& state)
{
    ensureApplication();
    const inspect::AttentionStack stack = inspect::load_attention(modelFile());
    QStringList tokens;
    for (int i = 0; i < kTokens; ++i) tokens << QStringLiteral("tok%1").arg(i);
    widgets::ZoomableHeatmapWidget w;
    w.resize(900, 700);
    QImage target(w.size(), QImage::Format_RGB32);
    int k = 0;
    for (auto _ : state) {
        const int l = (k / kHeads) % kLayers, h = k % kHeads;
        ++k;
        w.setData(stack.head(l, h), tokens, tokens);
        paintWidget(w, target);
    }
}
BENCHMARK(BM_InspectorSwitchHead)->Unit(benchmark::kMillisecond);

// A 4096 × 4096 float head (64 MB) shared by the two benchmarks below.
inspect::HeadView bigHead()
{
    static auto data = [] {
        auto m = std::make_shared<inspect::FloatMatrix>(4096, 4096);
        for (Index i = 0; i < m->rows(); ++i)
            for (Index j = 0; j < m->cols(); ++j) (*m)(i, j) = static_cast<float>(std::abs(i - j) < 8 ? 0.1 : 1e-5);
        return m;
    }();
    const inspect::HeadMap map(data->data(), 4096, 4096, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(4096, 1));
    return inspect::HeadView(std::shared_ptr<const void>(data, data.get()), map, false);
}

QStringList bigLabels()
{
    QStringList t;
    for (int i = 0; i < 4096; ++i) t << QStringLiteral("t%1").arg(i);
    return t;
}

void BM_InspectorHead4096(benchmark::State& state)
{
    ensureApplication();
    const inspect::HeadView head = bigHead();
    const QStringList labels = bigLabels();
    widgets::ZoomableHeatmapWidget w;
    w.resize(900, 700);
    QImage target(w.size(), QImage::Format_RGB32);
    for (auto _ : state) {
        w.clear();  // a new head: nothing cached
        w.setData(head, labels, labels);
        paintWidget(w, target);
    }
}
BENCHMARK(BM_InspectorHead4096)->Unit(benchmark::kMillisecond);

// Alternates a wheel-zoom step about a moving point and a pan, each fully repainted; the zoom
// wanders between the whole matrix and ~1/16 of it, where block averaging costs the most.
void BM_InspectorZoomPan4096(benchmark::State& state)
{
    ensureApplication();
    const QStringList labels = bigLabels();
    widgets::ZoomableHeatmapWidget w;
    w.resize(900, 700);
    w.setData(bigHead(), labels, labels);
    QImage target(w.size(), QImage::Format_RGB32);
    paintWidget(w, target);
    int k = 0;
    for (auto _ : state) {
        const QPointF at = w.plotRect().center() + QPointF(40 * std::sin(k * 0.7), 30 * std::cos(k * 0.5));
        if (k % 2 == 0) w.zoomAt(at, (k / 2) % 8 < 4 ? 1.5 : 1 / 1.5);
        else w.panByPixels(QPointF(7, -5));
        ++k;
        paintWidget(w, target);
    }
}
BENCHMARK(BM_InspectorZoomPan4096)->Unit(benchmark::kMillisecond);

}  // namespace
