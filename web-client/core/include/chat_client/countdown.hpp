#pragma once
// How long until something, as the client writes it ("retrying in 2s").

#include <cstdint>
#include <string>

namespace chat_client {

// Whole seconds, rounded up so that a 1.2 s wait does not read "1s", and never
// below "1s": a wait that is due reads as imminent, not as "0s" or negative.
std::string format_countdown(std::int64_t remaining_ms);

// When format_countdown's text for a wait ending at `at_ms` next changes, seen
// at `now_ms`: the next whole second before `at_ms`, or `at_ms` itself in the
// last second (the wait is then over). A client that redraws only when
// something changes wakes up then, and not every frame.
std::int64_t next_countdown_change_ms(std::int64_t at_ms, std::int64_t now_ms);

}  // namespace chat_client
