#pragma once
// How long until something, as the client writes it ("retrying in 2s").

#include <cstdint>
#include <string>

namespace chat_client {

// Whole seconds, rounded up so that a 1.2 s wait does not read "1s", and never
// below "1s": a wait that is due reads as imminent, not as "0s" or negative.
std::string format_countdown(std::int64_t remaining_ms);

}  // namespace chat_client
