// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/main_window.hpp"

#include "presets.hpp"

#include <QTextBrowser>

#include <cmath>
#include <stdexcept>

namespace attnviz::gui {

namespace {

// One matrix as an HTML table with optional row labels.
QString matrix_html(const QString& title, const Matrix& m, const std::vector<std::string>& rows = {})
{
    QString html = "<h3>" + title.toHtmlEscaped() + " <small>(" + QString::number(m.rows()) +
                   " × " + QString::number(m.cols()) + ")</small></h3><table border=1 cellpadding=4>";
    for (Index i = 0; i < m.rows(); ++i) {
        html += "<tr>";
        if (!rows.empty()) html += "<th>" + QString::fromStdString(rows[std::size_t(i)]).toHtmlEscaped() + "</th>";
        for (Index j = 0; j < m.cols(); ++j) {
            // Display precision: 4.2e-26 next to 0.5 reads as noise; the JSON keeps it exact.
            const double v = std::abs(m(i, j)) < 1e-9 ? 0.0 : m(i, j);
            html += "<td align=right>" + QString::number(v, 'g', 6) + "</td>";
        }
        html += "</tr>";
    }
    return html + "</table>";
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), view_(new QTextBrowser(this))
{
    setWindowTitle("attnviz");
    setCentralWidget(view_);
    resize(900, 700);
    try {
        const Session s = load_preset(kDefaultPreset);
        const ComputeOutcome out = compute_session(s);
        QString html = "<h2>" + QString::fromStdString(s.name).toHtmlEscaped() + "</h2><p>" +
                       QString::fromStdString(s.description).toHtmlEscaped() + "</p>";
        html += matrix_html("Queries Q", s.queries, s.query_tokens);
        html += matrix_html("Keys K", s.keys, s.key_tokens);
        html += matrix_html("Values V", s.values, s.key_tokens);
        html += matrix_html("Softmax weights", out.result.weights, s.query_tokens);
        html += matrix_html("Output", out.result.output, s.query_tokens);
        view_->setHtml(html);
    } catch (const std::exception& e) {
        view_->setPlainText(QString("Could not load the default example: ") + e.what());
    }
}

}  // namespace attnviz::gui
