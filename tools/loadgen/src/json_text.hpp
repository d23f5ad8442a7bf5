#pragma once
// The few pieces of JSON text the result line is made of.
#include <cstdint>
#include <string>
#include <string_view>

namespace loadgen {

// A JSON string literal, quotes included.
std::string json_string(std::string_view s);
// A number with `digits` decimals.
std::string fixed(double v, int digits = 3);
// Microseconds as milliseconds with three decimals.
std::string ms(std::int64_t micros);

}  // namespace loadgen
