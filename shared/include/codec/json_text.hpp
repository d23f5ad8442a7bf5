#pragma once
// Writes JSON text directly, for the packets sent for every chat message,
// where building an nlohmann::json value first cost more than the sending
// (profiled in S6, docs/benchmarks.md). The output is byte for byte what
// nlohmann::json::dump gives for the same value (tests/codec compare them).

#include <cstdint>
#include <string>
#include <string_view>

namespace codec::json_text {

// Appends `value` as a JSON string. Text that is not valid UTF-8 is replaced
// the way the generic encoder (codec::sio::encode) replaces it.
void append_string(std::string& out, std::string_view value);

void append_integer(std::string& out, std::int64_t value);

}  // namespace codec::json_text
