// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/colormaps.hpp"

#include <qcustomplot.h>

#include <span>

namespace attnviz::widgets {

namespace {

struct Stop {
    double r, g, b;  // 0..1
};

// Entries 0, 16, 32, …, 240 and 255 of the 256-entry viridis and magma tables of van der
// Walt & Smith's BIDS colormaps (CC0), as used by matplotlib. Seventeen stops interpolated
// linearly in RGB stay within about 1/255 of the full table.
constexpr Stop kViridis[] = {
    {0.267004, 0.004874, 0.329415}, {0.282327, 0.094955, 0.417331}, {0.278826, 0.175490, 0.483397},
    {0.258965, 0.251537, 0.524736}, {0.229739, 0.322361, 0.545706}, {0.199430, 0.387607, 0.554642},
    {0.172719, 0.448791, 0.557885}, {0.149039, 0.508051, 0.557250}, {0.127568, 0.566949, 0.550556},
    {0.120638, 0.625828, 0.533488}, {0.157851, 0.683765, 0.501686}, {0.246070, 0.738910, 0.452024},
    {0.369214, 0.788888, 0.382914}, {0.515992, 0.831158, 0.294279}, {0.678489, 0.863742, 0.189503},
    {0.845561, 0.887322, 0.099702}, {0.993248, 0.906157, 0.143936},
};

constexpr Stop kMagma[] = {
    {0.001462, 0.000466, 0.013866}, {0.039608, 0.031090, 0.133515}, {0.113094, 0.065492, 0.276784},
    {0.211718, 0.061992, 0.418647}, {0.316654, 0.071690, 0.485380}, {0.414709, 0.110431, 0.504662},
    {0.512831, 0.148179, 0.507648}, {0.613617, 0.181811, 0.498536}, {0.716387, 0.214982, 0.475290},
    {0.816914, 0.255895, 0.436461}, {0.904281, 0.319610, 0.388137}, {0.960949, 0.418323, 0.359630},
    {0.986700, 0.535582, 0.382210}, {0.996096, 0.653659, 0.446213}, {0.996898, 0.769591, 0.534892},
    {0.992440, 0.884330, 0.640099}, {0.987053, 0.991438, 0.749504},
};

// Positions of the table entries above: 16 k / 255, and 1 for the last.
QMap<double, QColor> tableStops(std::span<const Stop> stops)
{
    QMap<double, QColor> out;
    for (std::size_t i = 0; i < stops.size(); ++i) {
        const double pos = i + 1 == stops.size() ? 1.0 : 16.0 * static_cast<double>(i) / 255.0;
        out.insert(pos, QColor::fromRgbF(static_cast<float>(stops[i].r), static_cast<float>(stops[i].g),
                                         static_cast<float>(stops[i].b)));
    }
    return out;
}

// ColorBrewer RdBu (11 classes), reversed so that negative is blue and positive red, with a
// pure white centre so that "no difference" reads as blank paper.
QMap<double, QColor> blueWhiteRed()
{
    const char* hex[] = {"#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#ffffff",
                         "#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f"};
    QMap<double, QColor> out;
    for (int i = 0; i < 11; ++i) out.insert(i / 10.0, QColor(QString::fromLatin1(hex[i])));
    return out;
}

}  // namespace

QString colormapId(Colormap c)
{
    switch (c) {
    case Colormap::Viridis: return QStringLiteral("viridis");
    case Colormap::Magma: return QStringLiteral("magma");
    case Colormap::Greys: return QStringLiteral("greys");
    case Colormap::BlueWhiteRed: return QStringLiteral("blue-white-red");
    }
    return QStringLiteral("viridis");
}

QString colormapDisplayName(Colormap c)
{
    switch (c) {
    case Colormap::Viridis: return QStringLiteral("Viridis");
    case Colormap::Magma: return QStringLiteral("Magma");
    case Colormap::Greys: return QStringLiteral("Greys");
    case Colormap::BlueWhiteRed: return QStringLiteral("Blue–white–red (diverging)");
    }
    return QString();
}

std::optional<Colormap> colormapFromId(const QString& id)
{
    for (Colormap c : kAllColormaps)
        if (colormapId(c) == id) return c;
    return std::nullopt;
}

bool isDiverging(Colormap c) { return c == Colormap::BlueWhiteRed; }

QCPColorGradient makeGradient(Colormap c)
{
    QCPColorGradient g;
    switch (c) {
    case Colormap::Viridis: g.setColorStops(tableStops(kViridis)); break;
    case Colormap::Magma: g.setColorStops(tableStops(kMagma)); break;
    case Colormap::Greys:
        g.setColorStops({{0.0, QColor(255, 255, 255)}, {1.0, QColor(0, 0, 0)}});
        break;
    case Colormap::BlueWhiteRed: g.setColorStops(blueWhiteRed()); break;
    }
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(256);
    g.setNanHandling(QCPColorGradient::nhNanColor);
    g.setNanColor(QColor(200, 200, 200));
    return g;
}

}  // namespace attnviz::widgets
