#include "metrics/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace chatd::metrics {

namespace {

// HELP text escapes backslash and newline; label values also the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

}  // namespace

std::string PrometheusText::format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  // Plain decimals where they stay short (le="0.0001", not le="1e-04").
  const double magnitude = std::fabs(value);
  const bool plain = value == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
  const auto result = plain ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                            : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void PrometheusText::family(std::string_view name, std::string_view help, std::string_view type) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  append_escaped(text_, help, /*quote=*/false);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void PrometheusText::sample(std::string_view name, const Labels& labels, std::string_view value) {
  text_ += name;
  if (!labels.empty()) {
    text_ += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) text_ += ',';
      text_ += labels[i].first;
      text_ += "=\"";
      append_escaped(text_, labels[i].second, /*quote=*/true);
      text_ += '"';
    }
    text_ += '}';
  }
  text_ += ' ';
  text_ += value;
  text_ += '\n';
}

void PrometheusText::counter(std::string_view name, std::string_view help, std::uint64_t value) {
  family(name, help, "counter");
  sample(name, {}, std::to_string(value));
}

void PrometheusText::gauge(std::string_view name, std::string_view help, double value) {
  family(name, help, "gauge");
  sample(name, {}, format_value(value));
}

void PrometheusText::gauge(std::string_view name, std::string_view help, const std::vector<Sample>& samples) {
  family(name, help, "gauge");
  for (const auto& s : samples) sample(name, s.labels, format_value(s.value));
}

void PrometheusText::histogram(std::string_view name, std::string_view help, const HistogramSnapshot& histogram) {
  family(name, help, "histogram");
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < histogram.upper_bounds.size(); ++i) {
    sample(bucket, {{"le", format_value(histogram.upper_bounds[i])}}, std::to_string(histogram.cumulative[i]));
  }
  sample(bucket, {{"le", "+Inf"}}, std::to_string(histogram.count()));
  sample(std::string(name) + "_sum", {}, format_value(histogram.sum));
  sample(std::string(name) + "_count", {}, std::to_string(histogram.count()));
}

}  // namespace chatd::metrics
