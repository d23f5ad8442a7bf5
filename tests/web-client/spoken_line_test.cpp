#include <catch2/catch.hpp>

#include "chat_client/spoken_line.hpp"
#include "fake_transport.hpp"

using chat_client::ChatLine;
using chat_client::LineKind;
using chat_client::spoken_line;
using test_support::ClientFixture;

namespace {

ChatLine line(LineKind kind, std::string from, std::string text) {
  ChatLine result;
  result.kind = kind;
  result.from = std::move(from);
  result.text = std::move(text);
  return result;
}

}  // namespace

TEST_CASE("a screen reader hears others' messages with their sender", "[spoken]") {
  CHECK(spoken_line(line(LineKind::Message, "alice", "hello 😀")) == "alice: hello 😀");
  ChatLine own = line(LineKind::Message, "me", "my own");
  own.own = true;
  CHECK_FALSE(spoken_line(own));
  ChatLine old = line(LineKind::Message, "alice", "from before");
  old.history = true;
  CHECK_FALSE(spoken_line(old));
}

TEST_CASE("a screen reader hears announcements and the client's notices as they are", "[spoken]") {
  CHECK(spoken_line(line(LineKind::Announcement, "", "bob connected")) == "bob connected");
  CHECK(spoken_line(line(LineKind::System, "", "Disconnected, reconnecting in 2s\u2026")) ==
        "Disconnected, reconnecting in 2s\u2026");
  CHECK(spoken_line(line(LineKind::Error, "", "rate limit")) == "rate limit");
}

TEST_CASE("what the client adds to the log is spoken, its own message and history are not", "[spoken][model]") {
  ClientFixture f;
  f.join_as("bob");
  const std::size_t before = f.model.lines().size();
  f.client.send_message("mine");
  f.model.add_user_message("alice", "old", 1, 0, true);
  f.model.add_user_message("alice", "new", 2, 0, false);
  f.model.add_announcement("carol connected", 0);
  std::vector<std::string> spoken;
  for (std::size_t i = before; i < f.model.lines().size(); ++i) {
    if (auto text = spoken_line(f.model.lines()[i])) spoken.push_back(*text);
  }
  CHECK(spoken == std::vector<std::string>{"alice: new", "carol connected"});
}
