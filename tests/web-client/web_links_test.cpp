#include <catch2/catch.hpp>

#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "chat_client/web_links.hpp"

using chat_client::find_web_links;
using chat_client::is_web_link;

namespace {

// The links' texts, for readable comparisons.
std::vector<std::string> links_in(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& link : find_web_links(text)) out.emplace_back(text.substr(link.begin, link.end - link.begin));
  return out;
}

using Links = std::vector<std::string>;

}  // namespace

TEST_CASE("http and https links anywhere in a line, with paths, queries and fragments", "[links]") {
  CHECK(links_in("https://example.com") == Links{"https://example.com"});
  CHECK(links_in("see http://example.com/a/b?c=1&d=%20#top now") == Links{"http://example.com/a/b?c=1&d=%20#top"});
  CHECK(links_in("two: https://a.org and http://b.org/x") == Links{"https://a.org", "http://b.org/x"});
  CHECK(links_in("HTTPS://EXAMPLE.COM/Path and Http://x.y") == Links{"HTTPS://EXAMPLE.COM/Path", "Http://x.y"});
  CHECK(links_in("http://127.0.0.1:3000/classic/") == Links{"http://127.0.0.1:3000/classic/"});
  CHECK(links_in("http://[::1]:8080/") == Links{"http://[::1]:8080/"});
  CHECK(links_in("https://user@host.example/~me") == Links{"https://user@host.example/~me"});
}

TEST_CASE("the offsets are bytes of the UTF-8 text", "[links]") {
  const std::string text =
      "\xE4\xBD\xA0\xE5\xA5\xBD https://x.cn/\xE8\xB7\xAF \xF0\x9F\x98\x80";  // 你好 https://x.cn/路 😀
  const auto links = find_web_links(text);
  REQUIRE(links.size() == 1);
  CHECK(links[0].begin == 7);
  CHECK(links[0].end == 7 + 13 + 3);
}

TEST_CASE("only http and https: javascript:, data:, file: and other schemes are never links", "[links]") {
  CHECK(links_in("javascript:alert(1)").empty());
  CHECK(links_in("JaVaScRiPt:alert(document.cookie)").empty());
  CHECK(links_in("data:text/html,<script>alert(1)</script>").empty());
  CHECK(links_in("file:///etc/passwd ftp://example.com mailto:a@b.c").empty());
  CHECK(links_in("www.example.com example.com").empty());
  // A scheme glued to a word or to a URL is part of something else.
  CHECK(links_in("javascript:https://example.com").empty());
  CHECK(links_in("xhttp://example.com nothttps://example.com").empty());
  CHECK(links_in("https://a.org/redirect?to=https://b.org") == Links{"https://a.org/redirect?to=https://b.org"});
}

TEST_CASE("a scheme with no host after it is no link", "[links]") {
  CHECK(links_in("http://").empty());
  CHECK(links_in("https:// example.com").empty());
  CHECK(links_in("https:///etc").empty());
  CHECK(links_in("http://.").empty());
  CHECK(links_in("say http:").empty());
  CHECK(links_in("https:/example.com").empty());
}

TEST_CASE("the sentence's punctuation stays out of the link, balanced brackets stay in", "[links]") {
  CHECK(links_in("Go to https://example.com.") == Links{"https://example.com"});
  CHECK(links_in("https://example.com/a, then https://example.com/b!") ==
        Links{"https://example.com/a", "https://example.com/b"});
  CHECK(links_in("Really https://example.com/?!") == Links{"https://example.com/"});
  CHECK(links_in("(see https://example.com/x)") == Links{"https://example.com/x"});
  CHECK(links_in("(see https://example.com/x).") == Links{"https://example.com/x"});
  CHECK(links_in("https://en.wikipedia.org/wiki/C_(language)") == Links{"https://en.wikipedia.org/wiki/C_(language)"});
  CHECK(links_in("(https://en.wikipedia.org/wiki/C_(language))") ==
        Links{"https://en.wikipedia.org/wiki/C_(language)"});
  CHECK(links_in("[https://example.com/a]") == Links{"https://example.com/a"});
  CHECK(links_in("'https://example.com/a'") == Links{"https://example.com/a"});
  CHECK(links_in("\"https://example.com/a\"") == Links{"https://example.com/a"});
  CHECK(links_in("<https://example.com/a>") == Links{"https://example.com/a"});
}

TEST_CASE("whitespace, controls, CJK and full-width punctuation end a link", "[links]") {
  CHECK(links_in("https://a.org\tb https://b.org\nc") == Links{"https://a.org", "https://b.org"});
  CHECK(links_in("https://a.org\xC2\xA0next") == Links{"https://a.org"});                        // no-break space
  CHECK(links_in("https://a.org\xE3\x80\x80next") == Links{"https://a.org"});                    // ideographic space
  CHECK(links_in("\xE8\xA6\x8B\xE3\x81\xA6https://a.jp\xE3\x80\x82") == Links{"https://a.jp"});  // 見てhttps://a.jp。
  CHECK(links_in("https://a.org\xEF\xBC\x8C\xE5\xA5\xBD") == Links{"https://a.org"});            // ，好
  CHECK(links_in("https://a.org/\xF0\x9F\x98\x80") == Links{"https://a.org/\xF0\x9F\x98\x80"});  // an emoji path
  CHECK(links_in("https://\xE4\xBE\x8B\xE3\x81\x88.jp/") == Links{"https://\xE4\xBE\x8B\xE3\x81\x88.jp/"});
}

TEST_CASE("invalid UTF-8 ends a link and never crashes", "[links]") {
  CHECK(links_in("https://a.org/\xFF"
                 "b") == Links{"https://a.org/"});
  CHECK(links_in("https://a.org/\xE4\xBD") == Links{"https://a.org/"});    // cut in a character
  CHECK(links_in("\xED\xA0\x80https://a.org") == Links{"https://a.org"});  // after a surrogate
  CHECK(links_in(std::string("https://a.org\0https://b.org", 27)) == Links{"https://a.org", "https://b.org"});
  CHECK(links_in("").empty());
}

TEST_CASE("any bytes: links in order, inside the text, each a whole link by itself", "[links]") {
  std::mt19937 random(12);
  const std::string pieces[] = {"http://", "https://", "HTTPS://", "a",        ".", ")", "(",  " ",   "\xE4\xBD\xA0",
                                "\xFF",    "/",        ":",        "\xF0\x9F", "]", "?", "\n", "x.y", "\xEF\xBC\x8C"};
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const auto count = random() % 12;
    for (std::uint32_t i = 0; i < count; ++i) text += pieces[random() % std::size(pieces)];
    std::size_t last_end = 0;
    for (const auto& link : find_web_links(text)) {
      REQUIRE(link.begin >= last_end);
      REQUIRE(link.end <= text.size());
      REQUIRE(link.begin < link.end);
      const std::string url = text.substr(link.begin, link.end - link.begin);
      REQUIRE(is_web_link(url));
      last_end = link.end;
    }
  }
}

TEST_CASE("is_web_link: exactly one whole http(s) link", "[links]") {
  CHECK(is_web_link("https://example.com/a?b#c"));
  CHECK(is_web_link("http://localhost:3000/"));
  CHECK_FALSE(is_web_link("javascript:alert(1)"));
  CHECK_FALSE(is_web_link("https://example.com/ x"));
  CHECK_FALSE(is_web_link(" https://example.com"));
  CHECK_FALSE(is_web_link("https://example.com."));
  CHECK_FALSE(is_web_link(""));
}
