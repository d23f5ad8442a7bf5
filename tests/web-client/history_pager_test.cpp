// Older history on demand in the web client's core: when to ask, what the
// answer does to the log, and how the log stays bounded.

#include <catch2/catch.hpp>

#include <string>

#include "chat_client/chat_model.hpp"
#include "chat_client/history_pager.hpp"
#include "chat_client/log_scroll.hpp"
#include "fake_transport.hpp"

using chat_client::ChatModel;
using chat_client::HistoryLine;
using chat_client::HistoryPager;
using chat_client::LogScroll;
using test_support::ClientFixture;

namespace {

// A page of `count` stored messages with ids first, first + 1, ...
std::vector<HistoryLine> page_of(std::int64_t first, int count) {
  std::vector<HistoryLine> page;
  for (int i = 0; i < count; ++i) {
    const std::int64_t id = first + i;
    std::string text = "message ";
    text += std::to_string(id);
    page.push_back(HistoryLine{"alice", text, id, 1000 + id});
  }
  return page;
}

// The history ack the server sends for `page` (ids first...), as a frame.
std::string history_ack_frame(std::uint64_t ack_id, std::int64_t first, int count, bool more) {
  std::string frame = "43";
  frame += std::to_string(ack_id);
  frame += "[{\"messages\":[";
  for (int i = 0; i < count; ++i) {
    const std::int64_t id = first + i;
    if (i > 0) frame += ',';
    frame += "{\"from\":\"alice\",\"id\":";
    frame += std::to_string(id);
    frame += ",\"text\":\"old ";
    frame += std::to_string(id);
    frame += "\",\"ts\":1}";
  }
  frame += more ? "],\"more\":true}]" : "],\"more\":false}]";
  return frame;
}

}  // namespace

TEST_CASE("a page of older history goes in front of the log, oldest first, seqs increasing", "[history]") {
  ChatModel model;
  model.add_user_message("bob", "newest", 300, 1, true);
  const auto front_before = model.lines().front().seq;
  CHECK(model.prepend_history(page_of(200, 100)) == 100);
  REQUIRE(model.lines().size() == 101);
  CHECK(model.lines().front().server_id == 200);
  CHECK(model.lines().front().history);
  CHECK(model.lines()[99].server_id == 299);
  CHECK(model.lines().back().text == "newest");
  for (std::size_t i = 1; i < model.lines().size(); ++i) CHECK(model.lines()[i - 1].seq < model.lines()[i].seq);
  CHECK(model.lines()[99].seq < front_before);
  CHECK(model.oldest_message_id() == 200);
  // Ids already shown are not shown twice.
  CHECK(model.prepend_history(page_of(150, 60)) == 50);
  CHECK(model.lines().front().server_id == 150);
  CHECK(model.lines()[50].server_id == 200);
}

TEST_CASE("trimming keeps the newest lines and forgets the ids it dropped", "[history]") {
  ChatModel model;
  model.prepend_history(page_of(1, 10));
  CHECK(model.trim_to(4) == 6);
  REQUIRE(model.lines().size() == 4);
  CHECK(model.lines().front().server_id == 7);
  CHECK(model.trim_to(4) == 0);
  // A dropped message can be paged in again.
  CHECK(model.prepend_history(page_of(5, 2)) == 2);
  CHECK(model.oldest_message_id() == 5);
}

TEST_CASE("the pager asks one page at a time, until there is no more or no room", "[history]") {
  HistoryPager pager(2000, 5000);
  CHECK(pager.should_request(0));
  pager.requested(7);
  CHECK(pager.loading());
  CHECK_FALSE(pager.should_request(0));
  CHECK(pager.is_in_flight(7));
  pager.answered(true);
  CHECK(pager.should_request(100));
  CHECK(pager.should_request(4900));
  CHECK_FALSE(pager.should_request(4901));  // a page would push out what the reader looks at
  pager.requested(8);
  pager.failed();
  CHECK(pager.should_request(100));
  pager.requested(9);
  pager.answered(false);
  CHECK(pager.exhausted());
  CHECK_FALSE(pager.should_request(100));
  // Lines dropped at the bottom can be asked for again.
  CHECK(pager.keep_at_bottom(2500) == 2000);
  CHECK(pager.keep_at_bottom(1500) == 1500);
  pager.trimmed();
  CHECK(pager.should_request(2000));
}

TEST_CASE("the client asks for the page before the oldest message shown, and shows the answer in front", "[history]") {
  ClientFixture f;
  f.join_as("bob");  // ack id 1
  f.transport.receive(R"(42["user message","alice","recent",{"id":301,"ts":1,"history":true}])");
  f.transport.clear_sent();
  CHECK(f.client.request_older_history());
  CHECK(f.transport.last_sent() == R"(422["history",{"before":301}])");
  CHECK_FALSE(f.client.request_older_history());  // one at a time
  f.transport.receive(history_ack_frame(2, 201, 100, true));
  REQUIRE(f.model.lines().size() == 101);
  CHECK(f.model.lines().front().text == "old 201");
  CHECK(f.model.lines().front().history);
  CHECK(f.client.request_older_history());
  CHECK(f.transport.last_sent() == R"(423["history",{"before":201}])");
  f.transport.receive(history_ack_frame(3, 101, 100, false));
  CHECK(f.model.lines().front().text == "old 101");
  CHECK(f.client.history_pager().exhausted());
  CHECK_FALSE(f.client.request_older_history());  // "more": false stops asking
}

TEST_CASE("an empty log asks for the newest page; a refusal lets it ask again", "[history]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.clear_sent();
  CHECK(f.client.request_older_history());
  CHECK(f.transport.last_sent() == R"(422["history",{}])");
  f.transport.receive(R"(432[{"error":"rate limit: at most 10 messages per second"}])");
  CHECK(f.model.lines().empty());  // a refusal for now is no error line
  CHECK(f.client.request_older_history());
  f.transport.receive(R"(433[{"error":"the history could not be read: disk I/O error"}])");
  REQUIRE(f.model.lines().size() == 1);
  CHECK(f.model.lines()[0].text == "Older messages could not be loaded: the history could not be read: disk I/O error");
  // A lost connection takes the request with it.
  CHECK(f.client.request_older_history());
  f.drop_and_reopen();
  f.transport.receive("40");
  f.transport.receive("435[false]");
  CHECK(f.client.request_older_history());
}

TEST_CASE("not joined: nothing is asked", "[history]") {
  ClientFixture f;
  f.connect_to_prompt();
  CHECK_FALSE(f.client.request_older_history());
}

TEST_CASE("at the bottom the log keeps its newest lines, and what went can be paged in again", "[history]") {
  ClientFixture f;
  f.join_as("bob");
  CHECK(f.client.request_older_history());
  f.transport.receive(history_ack_frame(2, 1, 100, false));
  CHECK(f.client.history_pager().exhausted());
  for (int i = 0; i < 2000; ++i) {
    std::string frame = R"(42["user message","alice","live",{"id":)";
    frame += std::to_string(1000 + i);
    frame += R"(,"ts":1}])";
    f.transport.receive(frame);
  }
  REQUIRE(f.model.lines().size() == 2100);
  CHECK(f.client.trim_log_at_bottom() == 100);
  CHECK(f.model.lines().size() == 2000);
  CHECK_FALSE(f.client.history_pager().exhausted());
  CHECK(f.client.request_older_history());
  CHECK(f.transport.last_sent() == R"(423["history",{"before":1000}])");
}

TEST_CASE("a reader paging back fills the log up to its 10,000 lines and no further", "[history]") {
  // The default client: 2,000 lines kept at the bottom, 10,000 at most
  // (issue 12: a log of 10,000 lines stays fast; memory stays bounded).
  ClientFixture f;
  CHECK(f.model.max_lines() == 10000);
  f.join_as("bob");  // ack id 1
  f.transport.receive(R"(42["user message","alice","recent",{"id":100001,"ts":1,"history":true}])");
  std::uint64_t ack = 2;
  std::int64_t oldest = 100001;
  while (f.client.request_older_history()) {
    REQUIRE(ack < 200);
    f.transport.receive(history_ack_frame(ack++, oldest - 100, 100, true));
    oldest -= 100;
  }
  // 99 pages of 100 after the one line: a 100th would not fit.
  CHECK(f.model.lines().size() == 9901);
  CHECK(f.model.lines().front().server_id == oldest);
  CHECK_FALSE(f.client.history_pager().exhausted());  // older messages exist, there is no room for them
  CHECK_FALSE(f.client.history_pager().loading());
  // Back at the bottom, the log keeps its newest 2,000; paging can go on.
  CHECK(f.client.trim_log_at_bottom() == 7901);
  CHECK(f.model.lines().size() == 2000);
  CHECK(f.client.request_older_history());
}

TEST_CASE("rows put in front keep the rows shown where they were", "[history][scroll]") {
  LogScroll scroll;
  LogScroll::Frame frame{.content_height = 2000.0f, .view_height = 400.0f, .row_height = 20.0f};
  scroll.update(frame);  // at the bottom
  scroll.to_top();
  scroll.update(frame);
  CHECK(scroll.offset() == 0.0f);
  CHECK(scroll.reached_top());
  // A page of 100 rows arrives: the row that was at the top stays at the same pixel row.
  frame.content_height = 4000.0f;
  frame.added_above = 2000.0f;
  CHECK(scroll.update(frame) == 2000.0f);
  CHECK_FALSE(scroll.reached_top());
  frame.added_above = 0.0f;
  // Wheeling up to the top again.
  scroll.wheel(-5000.0f, chat_client::WheelUnit::Pixel);
  scroll.update(frame);
  CHECK(scroll.reached_top());
  scroll.update(frame);
  CHECK_FALSE(scroll.reached_top());  // only when the reader moved
}

TEST_CASE("at the bottom, rows put in front leave the view at the bottom", "[history][scroll]") {
  LogScroll scroll;
  LogScroll::Frame frame{.content_height = 2000.0f, .view_height = 400.0f, .row_height = 20.0f};
  scroll.update(frame);
  frame.content_height = 4000.0f;
  frame.added_above = 2000.0f;
  CHECK(scroll.update(frame) == 3600.0f);
  CHECK(scroll.at_bottom());
}
