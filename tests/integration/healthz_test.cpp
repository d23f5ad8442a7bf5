// /healthz: "process up and database writable". A database whose write lock
// another connection holds gets 503 with the reason, and 200 once released.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "chatd_process.hpp"
#include "http_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::HttpTestClient;
using nlohmann::json;

TEST_CASE("/healthz is 503 with the reason while the database is locked, 200 before and after", "[http][health]") {
  ChatdProcess server;
  HttpTestClient http(server.port());
  const auto healthy = http.get("/healthz");
  CHECK(healthy.status == 200);
  CHECK(json::parse(healthy.body).at("status") == "ok");

  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(server.db().c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  const auto locked = http.get("/healthz");
  CHECK(locked.status == 503);
  CHECK(locked.content_type == "application/json");
  const auto body = json::parse(locked.body);
  CHECK(body.at("status") == "unhealthy");
  CHECK(body.at("detail") == "database not writable: database is locked");

  REQUIRE(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  const auto again = http.get("/healthz");
  CHECK(again.status == 200);
  CHECK(json::parse(again.body).at("status") == "ok");
  REQUIRE(chat_it::stop_server(server, {}) == 0);
}
