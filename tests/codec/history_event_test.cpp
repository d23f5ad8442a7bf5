#include <catch2/catch.hpp>

#include "client_event.hpp"
#include "codec/chat_events.hpp"

using namespace codec;
using codec_test::client_event;
using nlohmann::json;

namespace {

// The reason a history request is refused with; fails when it is accepted.
std::string refusal(const std::string& text) {
  const auto event = client_event(text);
  REQUIRE_FALSE(event);
  CHECK(event.error().kind == CodecErrorKind::WrongType);
  return event.error().reason;
}

Result<events::HistoryAck> history_ack(const std::string& text) {
  auto packet = sio::decode(text);
  REQUIRE(packet);
  return events::decode_history_ack(*packet);
}

}  // namespace

TEST_CASE("History requests decode with and without before") {
  auto older = client_event(R"(23["history",{"before":250}])");
  REQUIRE(older);
  const auto& request = std::get<events::HistoryRequest>(*older);
  CHECK(request.before == 250);
  CHECK(request.ack_id == 3u);

  auto newest = client_event(R"(24["history",{}])");
  REQUIRE(newest);
  CHECK_FALSE(std::get<events::HistoryRequest>(*newest).before);

  auto no_ack = client_event(R"(2["history",{"before":1}])");
  REQUIRE(no_ack);
  CHECK_FALSE(std::get<events::HistoryRequest>(*no_ack).ack_id);

  auto largest = client_event(R"(21["history",{"before":9223372036854775807}])");
  REQUIRE(largest);
  CHECK(std::get<events::HistoryRequest>(*largest).before == INT64_MAX);
}

TEST_CASE("History requests encode as the contract says and decode back") {
  CHECK(sio::encode(events::encode(events::HistoryRequest{7, 5})) == R"(25["history",{"before":7}])");
  CHECK(sio::encode(events::encode(events::HistoryRequest{std::nullopt, 6})) == R"(26["history",{}])");

  for (const events::HistoryRequest& original :
       {events::HistoryRequest{1, 0}, events::HistoryRequest{INT64_MAX, sio::kMaxAckId},
        events::HistoryRequest{std::nullopt, std::nullopt}}) {
    const auto event = client_event(sio::encode(events::encode(original)));
    REQUIRE(event);
    const auto& request = std::get<events::HistoryRequest>(*event);
    CHECK(request.before == original.before);
    CHECK(request.ack_id == original.ack_id);
  }
}

TEST_CASE("History requests with bad arguments are refused with the reason") {
  CHECK(refusal(R"(21["history"])") == "history request is missing");
  for (const char* argument : {"5", "\"5\"", "[]", "[{\"before\":5}]", "null", "true"}) {
    INFO(argument);
    CHECK(refusal(std::string(R"(21["history",)") + argument + "]") == "history request must be an object");
  }
  CHECK(refusal(R"(21["history",{},1])") == "history takes one argument");
  CHECK(refusal(R"(21["history",{"before":5},{"before":6}])") == "history takes one argument");
  for (const char* before : {"0", "-1", "1.5", "5.0", "1e3", "\"5\"", "null", "true", "{}", "[5]",
                             "9223372036854775808", "18446744073709551615", "-9223372036854775808"}) {
    INFO(before);
    CHECK(refusal(std::string(R"(21["history",{"before":)") + before + "}]") == "before must be a positive integer");
  }
  CHECK(refusal(R"(21["history",{"before":5,"limit":1000}])") == "history request takes only \"before\"");
  CHECK(refusal(R"(21["history",{"after":5}])") == "history request takes only \"before\"");
  CHECK(refusal(R"(21["history",{"":1}])") == "history request takes only \"before\"");
}

TEST_CASE("A history page is acked oldest first with more, as the generic encoder writes it") {
  const events::HistoryPage page{
      {{"alice", "first", 41, 1700000000000}, {"张伟", "你好 \"quoted\"\n", 42, 1700000000001}}, true};
  const std::string text = events::encode_ack_text(9, page);
  CHECK(text == R"(39[{"messages":[{"from":"alice","id":41,"text":"first","ts":1700000000000},)"
                R"({"from":"张伟","id":42,"text":"你好 \"quoted\"\n","ts":1700000000001}],"more":true}])");
  CHECK(text == sio::encode(events::encode_ack(9, events::HistoryAck{page, {}})));
  CHECK(events::encode_ack_text(9, events::HistoryAck{page, {}}) == text);

  CHECK(events::encode_ack_text(1, events::HistoryPage{}) == R"(31[{"messages":[],"more":false}])");

  // Control characters, invalid UTF-8 and extreme numbers: the same bytes as nlohmann's dump.
  const events::HistoryPage odd{{{"\x01\x1f", "bad \xC3 byte \\ \t", INT64_MIN, INT64_MAX}}, false};
  CHECK(events::encode_ack_text(sio::kMaxAckId, odd) ==
        sio::encode(events::encode_ack(sio::kMaxAckId, events::HistoryAck{odd, {}})));
}

TEST_CASE("A history refusal is the error form of the ack") {
  const events::HistoryAck refused{std::nullopt, "Choose a nickname before reading the history"};
  CHECK(events::encode_ack_text(4, refused) == R"(34[{"error":"Choose a nickname before reading the history"}])");
  CHECK(sio::encode(events::encode_ack(4, refused)) == events::encode_ack_text(4, refused));

  auto decoded = history_ack(events::encode_ack_text(4, refused));
  REQUIRE(decoded);
  CHECK_FALSE(decoded->page);
  CHECK(decoded->error == refused.error);
}

TEST_CASE("History acks decode on the client side and round-trip") {
  const events::HistoryPage page{{{"bob", "one", 1, 10}, {"carol", "two", 2, 20}}, false};
  auto decoded = history_ack(events::encode_ack_text(2, page));
  REQUIRE(decoded);
  REQUIRE(decoded->page);
  CHECK(*decoded->page == page);
  CHECK(decoded->error.empty());

  auto more = history_ack(R"(31[{"more":true,"messages":[]}])");
  REQUIRE(more);
  REQUIRE(more->page);
  CHECK(more->page->more);
  CHECK(more->page->messages.empty());
}

TEST_CASE("Malformed history acks are refused on the client side") {
  for (const char* text : {
           R"(31[])",                                                            // no object
           R"(31["messages"])",                                                  // not an object
           R"(31[{}])",                                                          // neither page nor error
           R"(31[{"messages":[]}])",                                             // no more
           R"(31[{"more":false}])",                                              // no messages
           R"(31[{"messages":{},"more":false}])",                                // messages not an array
           R"(31[{"messages":[],"more":1}])",                                    // more not a boolean
           R"(31[{"messages":[1],"more":false}])",                               // entry not an object
           R"(31[{"messages":[{"from":"a","id":1,"ts":2}],"more":false}])",      // no text
           R"(31[{"messages":[{"text":"a","id":1,"ts":2}],"more":false}])",      // no from
           R"(31[{"messages":[{"from":"a","text":"b","ts":2}],"more":false}])",  // no id
           R"(31[{"messages":[{"from":"a","text":"b","id":"1","ts":2}],"more":false}])",
           R"(31[{"messages":[{"from":"a","text":"b","id":1,"ts":2.5}],"more":false}])",
           R"(31[{"messages":[{"from":"a","text":"b","id":18446744073709551615,"ts":2}],"more":false}])",
           R"(31[{"error":7}])",  // an error that says nothing
       }) {
    INFO(text);
    const auto ack = history_ack(text);
    REQUIRE_FALSE(ack);
    CHECK(ack.error().kind == CodecErrorKind::WrongType);
  }
  CHECK_FALSE(events::decode_history_ack(events::encode(events::HistoryRequest{1, 1})));  // an event, not an ack
}
