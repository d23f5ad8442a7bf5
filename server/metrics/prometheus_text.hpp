#pragma once
// Writes metric families in the Prometheus text exposition format 0.0.4:
// each family's # HELP and # TYPE lines, then its samples.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/histogram.hpp"

namespace chatd::metrics {

class PrometheusText {
 public:
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

  using Labels = std::vector<std::pair<std::string, std::string>>;
  struct Sample {
    Labels labels;
    double value = 0;
  };

  void counter(std::string_view name, std::string_view help, std::uint64_t value);
  void gauge(std::string_view name, std::string_view help, double value);
  // One family, one sample per label set (e.g. by transport).
  void gauge(std::string_view name, std::string_view help, const std::vector<Sample>& samples);
  void histogram(std::string_view name, std::string_view help, const HistogramSnapshot& histogram);

  const std::string& text() const { return text_; }

  // Formats a sample value as Prometheus reads it (+Inf, -Inf, NaN, or the
  // shortest decimal that reads back the same double).
  static std::string format_value(double value);

 private:
  void family(std::string_view name, std::string_view help, std::string_view type);
  void sample(std::string_view name, const Labels& labels, std::string_view value);

  std::string text_;
};

}  // namespace chatd::metrics
