#include <catch2/catch.hpp>

#include "chat/broadcast_log.hpp"
#include "chat/broadcast_offset.hpp"

using chatd::chat::BroadcastLog;
using chatd::chat::BroadcastOffset;

namespace {

BroadcastLog::Entry entry(std::uint64_t seq, std::int64_t at, std::size_t bytes = 10) {
  return BroadcastLog::Entry{seq, at, 0, R"(2["announcement","x"])", bytes};
}

std::vector<std::uint64_t> seqs(const std::optional<std::vector<const BroadcastLog::Entry*>>& entries) {
  std::vector<std::uint64_t> out;
  for (const auto* e : entries.value()) out.push_back(e->seq);
  return out;
}

}  // namespace

TEST_CASE("Broadcast offsets round-trip and refuse anything else") {
  const BroadcastOffset offset{4'000'000'000u, 17, 123456789012};
  CHECK(offset.to_string() == "4000000000-17-123456789012");
  const auto parsed = BroadcastOffset::parse(offset.to_string());
  REQUIRE(parsed);
  CHECK(parsed->boot == offset.boot);
  CHECK(parsed->seq == offset.seq);
  CHECK(parsed->message == offset.message);
  for (const char* bad :
       {"", "-", "1-2", "1-2-", "-1-2", "1--2-3", "1-2--3", "+1-2-3", "1-2-3-4", " 1-2-3", "4294967296-1-1",
        "1-18446744073709551616-1", "1-1-9223372036854775808", "a-b-c", "1-2-3\n"}) {
    CAPTURE(bad);
    CHECK_FALSE(BroadcastOffset::parse(bad));
  }
  CHECK_FALSE(BroadcastOffset::parse(std::string(100, '1')));
}

TEST_CASE("The broadcast log gives what followed an offset, or nothing once it is gone") {
  BroadcastLog log(3, 1000);
  CHECK(seqs(log.after(0)).empty());
  CHECK_FALSE(log.after(1));  // from the future
  for (std::uint64_t seq = 1; seq <= 3; ++seq) log.append(entry(seq, static_cast<std::int64_t>(seq) * 10));
  CHECK(log.complete());
  CHECK(seqs(log.after(0)) == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(seqs(log.after(2)) == std::vector<std::uint64_t>{3});
  CHECK(seqs(log.after(3)).empty());

  log.append(entry(4, 40));  // over the cap: 1 is dropped
  CHECK_FALSE(log.complete());
  CHECK_FALSE(log.after(0));
  CHECK(seqs(log.after(1)) == std::vector<std::uint64_t>{2, 3, 4});

  log.trim(35);  // 2 and 3 are too old
  CHECK(log.size() == 1);
  CHECK_FALSE(log.after(2));
  CHECK(seqs(log.after(3)) == std::vector<std::uint64_t>{4});
}

TEST_CASE("The broadcast log drops its oldest entries beyond its byte bound") {
  BroadcastLog log(100, 250);
  log.append(entry(1, 0, 100));
  log.append(entry(2, 0, 100));
  CHECK(log.complete());
  log.append(entry(3, 0, 100));  // 300 > 250: the first goes
  CHECK(log.bytes() == 200);
  CHECK_FALSE(log.after(0));
  CHECK(seqs(log.after(1)) == std::vector<std::uint64_t>{2, 3});
  log.append(entry(4, 0, 1000));  // bigger than the bound: nothing is left
  CHECK(log.size() == 0);
  CHECK(log.bytes() == 0);
  CHECK(seqs(log.after(4)).empty());
  CHECK_FALSE(log.after(3));
}
