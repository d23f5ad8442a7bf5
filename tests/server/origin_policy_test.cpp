#include <catch2/catch.hpp>

#include "transport/origin_policy.hpp"

using chatd::transport::OriginPolicy;

TEST_CASE("Origins: absent, same host and localhost pass, others need the allow-list") {
  const OriginPolicy policy;
  CHECK(policy.allows("", "chat.example:3000"));
  CHECK(policy.allows("https://chat.example:3000", "chat.example:3000"));
  CHECK(policy.allows("https://CHAT.example:3000", "chat.example:3000"));
  CHECK(policy.allows("http://localhost:5173", "chat.example"));
  CHECK(policy.allows("http://127.0.0.1:8080", "chat.example"));
  CHECK(policy.allows("http://[::1]:8080", "chat.example"));
  CHECK_FALSE(policy.allows("https://evil.example", "chat.example:3000"));
  CHECK_FALSE(policy.allows("https://chat.example:3001", "chat.example:3000"));
  CHECK_FALSE(policy.allows("https://localhost.evil.example", "chat.example"));
  CHECK_FALSE(policy.allows("null", "chat.example"));
  CHECK_FALSE(policy.allows("chat.example:3000", "chat.example:3000"));

  const OriginPolicy listed({"https://app.example"});
  CHECK(listed.allows("https://app.example", "backend"));
  CHECK_FALSE(listed.allows("https://app.example.evil", "backend"));
  CHECK(OriginPolicy({"*"}).allows("https://anything.example", "backend"));
}
