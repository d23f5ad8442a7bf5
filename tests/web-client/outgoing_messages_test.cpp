#include <catch2/catch.hpp>

#include "chat_client/outgoing_messages.hpp"

using chat_client::OutgoingMessages;

TEST_CASE("outgoing messages get this page's keys, in order", "[outgoing]") {
  OutgoingMessages outgoing("pg");
  CHECK(outgoing.empty());
  outgoing.add(5, "one");
  outgoing.add(6, "two");
  REQUIRE(outgoing.size() == 2);
  const auto* first = outgoing.next_to_send(0);
  REQUIRE(first != nullptr);
  CHECK(first->line_seq == 5);
  CHECK(first->text == "one");
  CHECK(first->key == "pg-1");
  outgoing.sent(40);
  CHECK(outgoing.next_to_send(0) == nullptr);  // one in flight at a time
  CHECK(outgoing.is_in_flight(40));
  CHECK_FALSE(outgoing.is_in_flight(41));
  const auto done = outgoing.finish();
  CHECK(done.key == "pg-1");
  const auto* second = outgoing.next_to_send(0);
  REQUIRE(second != nullptr);
  CHECK(second->key == "pg-2");
  CHECK_FALSE(second->ack_id);
}

TEST_CASE("a lost connection leaves the message in flight first, to be sent again with its key", "[outgoing]") {
  OutgoingMessages outgoing("pg");
  outgoing.add(1, "one");
  outgoing.add(2, "two");
  outgoing.sent(7);
  outgoing.connection_lost();
  CHECK_FALSE(outgoing.is_in_flight(7));  // its ack can no longer come
  const auto* again = outgoing.next_to_send(0);
  REQUIRE(again != nullptr);
  CHECK(again->key == "pg-1");
  CHECK(outgoing.size() == 2);
}

TEST_CASE("a message refused for now waits, longer each time in a row, up to a cap", "[outgoing]") {
  OutgoingMessages outgoing("pg");
  outgoing.add(1, "one");
  outgoing.add(2, "two");
  std::int64_t now = 1000;
  std::vector<std::int64_t> waits;
  for (int i = 0; i < 9; ++i) {
    outgoing.sent(static_cast<std::uint64_t>(i + 1));
    const auto at = outgoing.retry_later(now);
    waits.push_back(at - now);
    CHECK(outgoing.next_to_send(at - 1) == nullptr);
    REQUIRE(outgoing.next_to_send(at) != nullptr);
    CHECK(outgoing.next_to_send(at)->key == "pg-1");  // never overtaken by the next one
    now = at;
  }
  CHECK(waits == std::vector<std::int64_t>{100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000});
  // A message that goes through starts the waits over.
  outgoing.sent(20);
  outgoing.finish();
  outgoing.sent(21);
  CHECK(outgoing.retry_later(now) - now == OutgoingMessages::kFirstRetryMs);
}

TEST_CASE("take_all empties the queue", "[outgoing]") {
  OutgoingMessages outgoing("pg");
  outgoing.add(1, "one");
  outgoing.add(2, "two");
  outgoing.sent(3);
  const auto all = outgoing.take_all();
  REQUIRE(all.size() == 2);
  CHECK(all[0].line_seq == 1);
  CHECK(all[1].line_seq == 2);
  CHECK(outgoing.empty());
  CHECK(outgoing.next_to_send(0) == nullptr);
  // Keys are never reused in the page.
  outgoing.add(3, "three");
  CHECK(outgoing.next_to_send(0)->key == "pg-3");
}
