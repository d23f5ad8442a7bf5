#include "cluster/redis_endpoint.hpp"

#include <charconv>
#include <optional>

namespace chatd::cluster {

namespace {

// %XX escapes (a password may hold '@' or ':'); nothing when one is broken.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc{} || end != text.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

std::optional<int> number(std::string_view text, int min, int max) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::string RedisEndpoint::describe() const {
  std::string text = "redis://";
  if (!user.empty() || !password.empty()) text += user + (password.empty() ? "" : ":***") + "@";
  text += host + ":" + std::to_string(port) + "/" + std::to_string(db);
  if (!prefix.empty()) text += "?prefix=" + prefix;
  return text;
}

::codec::Result<RedisEndpoint, ::codec::Failure> parse_redis_url(std::string_view url) {
  const auto fail = [](const std::string& why) {
    return ::codec::Failure{"expects redis://[[user]:password@]host[:port][/db][?prefix=P]: " + why};
  };
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) return fail("the scheme must be redis://");
  url.remove_prefix(kScheme.size());
  RedisEndpoint endpoint;

  if (const auto query = url.find('?'); query != std::string_view::npos) {
    auto params = url.substr(query + 1);
    url = url.substr(0, query);
    while (!params.empty()) {
      const auto amp = params.find('&');
      const auto param = params.substr(0, amp);
      params = amp == std::string_view::npos ? std::string_view{} : params.substr(amp + 1);
      constexpr std::string_view kPrefix = "prefix=";
      if (param.substr(0, kPrefix.size()) != kPrefix) return fail("unknown parameter " + std::string(param));
      auto prefix = percent_decode(param.substr(kPrefix.size()));
      if (!prefix) return fail("a broken %-escape in the prefix");
      endpoint.prefix = std::move(*prefix);
    }
  }
  if (const auto slash = url.find('/'); slash != std::string_view::npos) {
    const auto db = url.substr(slash + 1);
    url = url.substr(0, slash);
    if (!db.empty()) {
      const auto value = number(db, 0, 1'000'000);
      if (!value) return fail("the database must be a number");
      endpoint.db = *value;
    }
  }
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    const auto credentials = url.substr(0, at);
    url = url.substr(at + 1);
    const auto colon = credentials.find(':');
    auto user = percent_decode(credentials.substr(0, colon));
    auto password =
        percent_decode(colon == std::string_view::npos ? std::string_view{} : credentials.substr(colon + 1));
    if (!user || !password) return fail("a broken %-escape in the credentials");
    if (colon == std::string_view::npos) {
      // redis://secret@host: a password alone, as redis-cli -u takes it.
      endpoint.password = std::move(*user);
    } else {
      endpoint.user = std::move(*user);
      endpoint.password = std::move(*password);
    }
  }
  if (const auto colon = url.rfind(':'); colon != std::string_view::npos) {
    const auto port = number(url.substr(colon + 1), 1, 65535);
    if (!port) return fail("the port must be a number from 1 to 65535");
    endpoint.port = *port;
    url = url.substr(0, colon);
  }
  if (url.empty()) return fail("no host");
  endpoint.host = std::string(url);
  return endpoint;
}

}  // namespace chatd::cluster
