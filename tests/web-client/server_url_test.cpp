#include <catch2/catch.hpp>

#include "chat_client/server_url.hpp"

TEST_CASE("the socket URL follows the page's origin and scheme", "[url]") {
  CHECK(chat_client::make_socket_url("http:", "127.0.0.1:8080") ==
        "ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket");
  CHECK(chat_client::make_socket_url("https:", "chat.example") ==
        "wss://chat.example/socket.io/?EIO=4&transport=websocket");
}
