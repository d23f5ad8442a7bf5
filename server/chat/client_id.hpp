#pragma once

#include <cstdint>

namespace chatd::chat {

// Identifies one connected chat participant, whatever transport carries it.
using ClientId = std::uint64_t;

// Never given to a client: ids start at 1.
inline constexpr ClientId kNobody = 0;

}  // namespace chatd::chat
