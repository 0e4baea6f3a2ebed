// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/inspector/head_thumbnails.hpp"

#include "attnviz/core/inspect/downsample.hpp"
#include "attnviz/widgets/inspector/colormap_image.hpp"

#include <algorithm>

namespace attnviz::widgets {

QVector<QImage> renderThumbnails(const inspect::AttentionStack& s, int cells)
{
    const ColorLut lut = colorLut(Colormap::Viridis);
    const Index rows = std::min<Index>(s.query_count(), cells);
    const Index cols = std::min<Index>(s.key_count(), cells);
    QVector<QImage> out;
    out.reserve(static_cast<qsizetype>(s.layers() * s.heads()));
    for (Index l = 0; l < s.layers(); ++l)
        for (Index h = 0; h < s.heads(); ++h) {
            // (rows × cols) block means of the (n_q × n_k) head.
            const inspect::FloatMatrix small = inspect::block_average(s.head(l, h).matrix(), rows, cols);
            const float hi = small.maxCoeff();
            out << colorize(small, std::min(0.f, small.minCoeff()), hi > 0 ? hi : 1.f, lut);
        }
    return out;
}

}  // namespace attnviz::widgets
