#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "chat_client/chat_model.hpp"
#include "chat_client/chat_state_json.hpp"

using chat_client::ChatModel;
using chat_client::DeliveryStatus;
using chat_client::LineKind;

TEST_CASE("the log is capped, oldest lines go first", "[model]") {
  ChatModel model(3);
  for (int i = 0; i < 5; ++i) model.add_system("line " + std::to_string(i), i);
  REQUIRE(model.lines().size() == 3);
  CHECK(model.lines().front().text == "line 2");
  CHECK(model.lines().back().text == "line 4");
}

TEST_CASE("duplicate server ids are dropped, unknown ids are not", "[model]") {
  ChatModel model;
  CHECK(model.add_user_message("a", "x", 5, 1, false));
  CHECK_FALSE(model.add_user_message("a", "x", 5, 1, true));
  CHECK(model.add_user_message("a", "y", 0, 1, false));
  CHECK(model.add_user_message("a", "y", 0, 1, false));
  CHECK(model.lines().size() == 3);
}

TEST_CASE("every change bumps the revision", "[model]") {
  ChatModel model;
  auto rev = model.revision();
  model.add_announcement("a", 0);
  CHECK(model.revision() > rev);
  rev = model.revision();
  model.set_online({"a"});
  CHECK(model.revision() > rev);
  rev = model.revision();
  const auto seq = model.add_own_message("me", "hi", 0);
  CHECK(model.revision() > rev);
  rev = model.revision();
  model.fail_own_message(seq, "nope");
  CHECK(model.revision() > rev);
  CHECK(model.find_line(seq)->status == DeliveryStatus::Failed);
}

TEST_CASE("the JSON view has the state, people and messages", "[model]") {
  ChatModel model;
  model.set_connection_state(chat_client::ConnectionState::Joined);
  model.set_nickname("bob");
  model.set_online({"alice", "bob"});
  model.add_user_message("alice", "你好，世界", 9, 1000, true);
  model.set_reconnect_at(1500);
  const auto json = nlohmann::json::parse(chat_client::chat_state_json(model, 1000));
  CHECK(json["state"] == "Joined");
  CHECK(json["nickname"] == "bob");
  CHECK(json["online"] == nlohmann::json::array({"alice", "bob"}));
  CHECK(json["reconnectInMs"] == 500);
  CHECK(json["resumed"] == false);
  model.set_session_resumed(true);
  CHECK(nlohmann::json::parse(chat_client::chat_state_json(model, 1000))["resumed"] == true);
  REQUIRE(json["messages"].size() == 1);
  CHECK(json["messages"][0]["kind"] == "message");
  CHECK(json["messages"][0]["from"] == "alice");
  CHECK(json["messages"][0]["text"] == "你好，世界");
  CHECK(json["messages"][0]["history"] == true);
  CHECK(json["messages"][0]["id"] == 9);
}
