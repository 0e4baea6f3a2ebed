// SPDX-License-Identifier: GPL-3.0-or-later
#include "transformer_lab/lab_types.hpp"

#include "attnviz/core/io/dtype.hpp"
#include "attnviz/widgets/inspector/head_thumbnails.hpp"

#include <QObject>

#include <stdexcept>
#include <string>

namespace attnviz::transformer_lab {

transformer::LabConfig oneLayerConfig(const transformer::LabConfig& config)
{
    transformer::LabConfig c = config;
    c.layers = 1;
    return c;
}

std::shared_ptr<const inspect::AttentionStack> attentionStackOf(const LabSnapshotPtr& snapshot)
{
    const transformer::LabSnapshot& s = *snapshot;
    const auto n = static_cast<std::int64_t>(s.n);
    const std::size_t expected = static_cast<std::size_t>(s.layers) * static_cast<std::size_t>(s.heads) *
                                 static_cast<std::size_t>(n * n);
    if (s.layers < 1 || s.heads < 1 || n < 1 || s.attention.size() != expected)
        throw std::invalid_argument("lab snapshot at step " + std::to_string(s.step) + ": attention holds " +
                                    std::to_string(s.attention.size()) + " values, expected layers " +
                                    std::to_string(s.layers) + " × heads " + std::to_string(s.heads) + " × " +
                                    std::to_string(n) + " × " + std::to_string(n));
    inspect::StackLayout layout;
    layout.file = "lab step " + std::to_string(s.step);
    layout.format = "memory";
    layout.file_shape = {s.layers, s.heads, n, n};
    layout.layers = s.layers;
    layout.heads = s.heads;
    layout.query_count = n;
    layout.key_count = n;
    layout.storage = snapshot;  // keeps the floats alive for every view into them
    const auto* base = reinterpret_cast<const std::byte*>(s.attention.data());
    const std::int64_t layerBytes = s.heads * n * n * static_cast<std::int64_t>(sizeof(float));
    for (int l = 0; l < s.layers; ++l)
        layout.sources.push_back({base + l * layerBytes, io::DType::F32, io::native_byte_order(), n * n, n, 1,
                                  "attention"});
    auto stack = std::make_shared<inspect::AttentionStack>(std::move(layout), /*softmax=*/false);
    const QStringList labels = tokenLabels(s);
    if (labels.size() == s.n) {
        std::vector<std::string> tokens;
        for (const QString& t : labels) tokens.push_back(t.toStdString());
        stack->set_tokens(std::move(tokens));
    }
    return stack;
}

LabFrame makeFrame(LabRun run, LabSnapshotPtr snapshot)
{
    LabFrame f;
    f.run = run;
    f.snapshot = std::move(snapshot);
    if (run == LabRun::Main && !f.snapshot->attention.empty()) {
        f.stack = attentionStackOf(f.snapshot);
        f.thumbnails = widgets::renderThumbnails(*f.stack);
    }
    return f;
}

QStringList tokenLabels(const transformer::LabSnapshot& snapshot)
{
    QStringList out;
    for (std::size_t i = 0; i < snapshot.token_text.size(); ++i) {
        QString t = QString::fromStdString(snapshot.token_text[i]);
        if (t == QLatin1String(" ")) t = QStringLiteral("␣");
        else if (t == QLatin1String("\n")) t = QStringLiteral("↵");
        else if (t == QLatin1String("\t")) t = QStringLiteral("⇥");
        out << t;
    }
    if (out.isEmpty())
        for (int id : snapshot.tokens) out << QString::number(id);
    return out;
}

QString describeModel(const transformer::LabConfig& c)
{
    const QString layers = c.layers == 1 ? QObject::tr("1 layer") : QObject::tr("%1 layers").arg(c.layers);
    const QString heads = c.heads == 1 ? QObject::tr("1 head") : QObject::tr("%1 heads").arg(c.heads);
    return QObject::tr("%1 × %2, d %3, ctx %4").arg(layers, heads).arg(c.embd).arg(c.ctx);
}

}  // namespace attnviz::transformer_lab
