#pragma once
// Base64 with the standard alphabet, as Node's Buffer writes it (padded) and
// reads it (padding optional): the adapter's sessions and binary stream data.

#include <optional>
#include <string>
#include <string_view>

namespace chatd::cluster {

std::string base64_encode(std::string_view bytes);
// Nothing when `text` holds anything but the alphabet and trailing padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace chatd::cluster
