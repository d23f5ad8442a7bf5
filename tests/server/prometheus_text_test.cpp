#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "metrics/histogram.hpp"
#include "metrics/metrics.hpp"
#include "metrics/prometheus_text.hpp"

using chatd::metrics::Histogram;
using chatd::metrics::PrometheusText;

TEST_CASE("Histogram buckets are 'less or equal', cumulative, with +Inf as the count", "[metrics]") {
  Histogram histogram{0.01, 0.1, 1};
  for (const double value : {0.005, 0.01, 0.05, 0.5, 0.5, 7.0}) histogram.observe(value);
  const auto snapshot = histogram.snapshot();
  CHECK(snapshot.upper_bounds == std::vector<double>{0.01, 0.1, 1});
  // 0.005 and 0.01 (on the bound) in le=0.01; 0.05 adds to le=0.1; two 0.5 to le=1; 7 only to +Inf.
  CHECK(snapshot.cumulative == std::vector<std::uint64_t>{2, 3, 5, 6});
  CHECK(snapshot.count() == 6);
  CHECK(snapshot.sum == Approx(0.005 + 0.01 + 0.05 + 0.5 + 0.5 + 7.0));
}

TEST_CASE("Histogram bounds must ascend", "[metrics]") {
  CHECK_THROWS_AS(Histogram({1, 0.5}), std::invalid_argument);
  CHECK_THROWS_AS(Histogram({0.5, 0.5}), std::invalid_argument);
}

TEST_CASE("Counters and gauges render with HELP and TYPE before their samples", "[metrics]") {
  PrometheusText out;
  out.counter("x_total", "How many x", 42);
  out.gauge("y", "Current y", 2.5);
  out.gauge("conn", "Connections", {{{{"transport", "websocket"}}, 3}, {{{"transport", "polling"}}, 0}});
  CHECK(out.text() ==
        "# HELP x_total How many x\n"
        "# TYPE x_total counter\n"
        "x_total 42\n"
        "# HELP y Current y\n"
        "# TYPE y gauge\n"
        "y 2.5\n"
        "# HELP conn Connections\n"
        "# TYPE conn gauge\n"
        "conn{transport=\"websocket\"} 3\n"
        "conn{transport=\"polling\"} 0\n");
}

TEST_CASE("A histogram renders buckets with le, +Inf, _sum and _count", "[metrics]") {
  Histogram histogram{0.25, 1};
  histogram.observe(0.125);
  histogram.observe(2);
  PrometheusText out;
  out.histogram("lat_seconds", "Latency", histogram.snapshot());
  CHECK(out.text() ==
        "# HELP lat_seconds Latency\n"
        "# TYPE lat_seconds histogram\n"
        "lat_seconds_bucket{le=\"0.25\"} 1\n"
        "lat_seconds_bucket{le=\"1\"} 1\n"
        "lat_seconds_bucket{le=\"+Inf\"} 2\n"
        "lat_seconds_sum 2.125\n"
        "lat_seconds_count 2\n");
}

TEST_CASE("HELP text and label values are escaped", "[metrics]") {
  PrometheusText out;
  out.gauge("g", "line one\nback\\slash \"quoted\"", {{{{"k", "a\"b\\c\nd"}}, 1}});
  CHECK(out.text() ==
        "# HELP g line one\\nback\\\\slash \"quoted\"\n"
        "# TYPE g gauge\n"
        "g{k=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST_CASE("Sample values use Prometheus spellings", "[metrics]") {
  CHECK(PrometheusText::format_value(0.0001) == "0.0001");
  CHECK(PrometheusText::format_value(5) == "5");
  CHECK(PrometheusText::format_value(0.1 + 0.2) == "0.30000000000000004");  // reads back the same double
  CHECK(PrometheusText::format_value(1e-9) == "1e-09");
  CHECK(PrometheusText::format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(PrometheusText::format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(PrometheusText::format_value(std::nan("")) == "NaN");
}

TEST_CASE("chatd's exposition names every family once, with its type", "[metrics]") {
  chatd::metrics::Metrics metrics;
  metrics.events_received.add(3);
  metrics.append_seconds.observe(0.002);
  const auto text = chatd::metrics::render_prometheus(metrics, {2, 1});
  CHECK_THAT(text, Catch::Contains("# TYPE chatd_connections gauge\n"));
  CHECK_THAT(text, Catch::Contains("chatd_connections{transport=\"websocket\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("chatd_connections{transport=\"polling\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE chatd_socketio_events_received_total counter\n"
                                   "chatd_socketio_events_received_total 3\n"));
  CHECK_THAT(text, Catch::Contains("chatd_history_append_seconds_bucket{le=\"0.0025\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("chatd_history_append_seconds_bucket{le=\"0.001\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("chatd_history_append_seconds_count 1\n"));
}
