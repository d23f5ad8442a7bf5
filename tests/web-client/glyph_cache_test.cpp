#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "chat_client/glyph_cache.hpp"

using chat_client::GlyphCache;

namespace {

std::set<char32_t> code_points(const std::vector<GlyphCache::Placement>& placements) {
  std::set<char32_t> result;
  for (const auto& placement : placements) result.insert(placement.code_point);
  return result;
}

}  // namespace

TEST_CASE("text queues each missing code point once, in the order first seen", "[glyphs]") {
  GlyphCache cache(16, 16);
  cache.note_text("h\xC3\xA9llo \xE4\xBD\xA0\xE5\xA5\xBD");  // héllo 你好
  CHECK(cache.queued() == 7);                                // h é l o ' ' 你 好
  const auto placements = cache.place(100);
  REQUIRE(placements.size() == 7);
  CHECK(placements[0].code_point == U'h');
  CHECK(placements[1].code_point == U'\u00E9');
  CHECK(placements[5].code_point == U'\u4F60');
  CHECK(placements[6].code_point == U'\u597D');
  CHECK(cache.queued() == 0);
  // Slots are distinct, the lowest first.
  for (std::size_t i = 0; i < placements.size(); ++i) CHECK(placements[i].slot == i);
  CHECK(cache.has_glyph(U'\u4F60'));
  CHECK(cache.slot_of(U'\u597D') == 6u);

  // Seen again: nothing to do.
  cache.note_text("ll\xC3\xA9h \xE4\xBD\xA0");
  CHECK(cache.queued() == 0);
  CHECK(cache.place(100).empty());
}

TEST_CASE("astral code points and emoji sequences queue each scalar", "[glyphs]") {
  GlyphCache cache(64, 64);
  // 👍🏽 (skin tone), 👨‍👩‍👧 (ZWJ), 🇫🇷 (regional indicators), ❤️ (VS16)
  cache.note_text(
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"
      "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7"
      "\xE2\x9D\xA4\xEF\xB8\x8F");
  const auto placed = code_points(cache.place(100));
  const std::set<char32_t> expected{0x1F44D, 0x1F3FD, 0x1F468, 0x200D, 0x1F469,
                                    0x1F467, 0x1F1EB, 0x1F1F7, 0x2764, 0xFE0F};
  CHECK(placed == expected);
}

TEST_CASE("controls, surrogates and the planes beyond kMaxCodePoint get no glyph", "[glyphs]") {
  CHECK_FALSE(GlyphCache::drawable(U'\n'));
  CHECK_FALSE(GlyphCache::drawable(0x7F));
  CHECK_FALSE(GlyphCache::drawable(0x85));
  CHECK_FALSE(GlyphCache::drawable(0xD800));
  CHECK_FALSE(GlyphCache::drawable(0xE0067));   // a tag character (flag subdivisions)
  CHECK_FALSE(GlyphCache::drawable(0x10FFFD));  // private use, plane 16
  CHECK(GlyphCache::drawable(U' '));
  CHECK(GlyphCache::drawable(0xA0));
  CHECK(GlyphCache::drawable(0x20000));  // CJK extension B
  CHECK(GlyphCache::drawable(GlyphCache::kMaxCodePoint));

  GlyphCache cache(8, 8);
  cache.note_text("a\tb\n\xF3\xA0\x81\xA7\xF4\x8F\xBF\xBD");  // a TAB b LF U+E0067 U+10FFFD
  CHECK(code_points(cache.place(10)) == std::set<char32_t>{U'a', U'b'});
}

TEST_CASE("a malformed byte counts as U+FFFD and the rest of the text still counts", "[glyphs]") {
  GlyphCache cache(8, 8);
  cache.note_text(
      "a\xFF"
      "b\xE4\xBD");  // a, a stray byte, b, a cut-off 3-byte sequence
  CHECK(code_points(cache.place(10)) == std::set<char32_t>{U'a', U'b', 0xFFFD});
}

TEST_CASE("place hands out at most the count asked for; the rest waits in order", "[glyphs]") {
  GlyphCache cache(16, 16);
  cache.note_text("abcdef");
  const auto first = cache.place(4);
  REQUIRE(first.size() == 4);
  CHECK(cache.queued() == 2);
  CHECK(cache.can_place());
  const auto second = cache.place(4);
  REQUIRE(second.size() == 2);
  CHECK(second[0].code_point == U'e');
  CHECK(second[1].code_point == U'f');
  CHECK_FALSE(cache.can_place());
}

TEST_CASE("a full grid evicts the least recently used glyph, never one used in the frame just drawn", "[glyphs]") {
  GlyphCache cache(3, 3);
  cache.note_text("abc");
  REQUIRE(cache.place(10).size() == 3);

  cache.begin_frame();  // frame 2: a and c on screen
  cache.note_text("a");
  cache.begin_frame();  // frame 3: c and the newcomer d
  cache.note_text("cd");
  CHECK_FALSE(cache.needs_growth());  // at its largest
  CHECK(cache.can_place());
  const auto placements = cache.place(10);
  REQUIRE(placements.size() == 1);
  CHECK(placements[0].code_point == U'd');
  // b was last used in frame 1, a in frame 2: b goes; c (used now) stays.
  REQUIRE(placements[0].evicted.has_value());
  CHECK(*placements[0].evicted == U'b');
  CHECK(placements[0].slot == 1u);
  CHECK_FALSE(cache.has_glyph(U'b'));
  CHECK(cache.has_glyph(U'a'));
  CHECK(cache.has_glyph(U'c'));

  // b comes back: it is queued again and takes the oldest slot left (a's).
  cache.begin_frame();
  cache.note_text("bcd");
  const auto again = cache.place(10);
  REQUIRE(again.size() == 1);
  CHECK(again[0].code_point == U'b');
  CHECK(again[0].evicted == std::optional<char32_t>(U'a'));
}

TEST_CASE("when every glyph is on screen nothing is evicted: the newcomer waits, without error", "[glyphs]") {
  GlyphCache cache(2, 2);
  cache.note_text("ab");
  REQUIRE(cache.place(10).size() == 2);
  cache.begin_frame();
  cache.note_text("abc");  // three distinct characters on a screen that holds two
  CHECK_FALSE(cache.can_place());
  CHECK(cache.place(10).empty());
  CHECK(cache.queued() == 1);
  // The next frame no longer shows a: c takes its slot.
  cache.begin_frame();
  cache.note_text("bc");
  const auto placements = cache.place(10);
  REQUIRE(placements.size() == 1);
  CHECK(placements[0].code_point == U'c');
  CHECK(placements[0].evicted == std::optional<char32_t>(U'a'));
}

TEST_CASE("pinned glyphs are never evicted", "[glyphs]") {
  GlyphCache cache(2, 2);
  cache.pin(U'x');
  cache.note_text("y");
  REQUIRE(cache.place(10).size() == 2);
  CHECK(cache.pinned(U'x'));
  for (int frame = 0; frame < 3; ++frame) cache.begin_frame();
  cache.note_text("z");
  const auto placements = cache.place(10);
  REQUIRE(placements.size() == 1);
  CHECK(placements[0].evicted == std::optional<char32_t>(U'y'));
  cache.begin_frame();
  cache.note_text("w");  // z was used a frame ago and x is pinned: z goes
  const auto later = cache.place(10);
  REQUIRE(later.size() == 1);
  CHECK(later[0].evicted == std::optional<char32_t>(U'z'));
  CHECK(cache.has_glyph(U'x'));
}

TEST_CASE("a full grid asks to grow up to its largest capacity; placed glyphs keep their slots", "[glyphs]") {
  GlyphCache cache(2, 5);
  cache.note_text("ab");
  REQUIRE(cache.place(10).size() == 2);
  cache.note_text("cdefg");
  CHECK(cache.needs_growth());
  cache.grow(4);
  CHECK(cache.capacity() == 4);
  CHECK(cache.slot_of(U'a') == 0u);
  CHECK(cache.slot_of(U'b') == 1u);
  auto placements = cache.place(10);
  REQUIRE(placements.size() == 2);  // c and d in the new slots; nothing evicted (all used this frame)
  CHECK(placements[0].slot == 2u);
  CHECK(placements[1].slot == 3u);
  CHECK_FALSE(placements[0].evicted.has_value());
  CHECK(cache.needs_growth());
  cache.grow(100);  // clamped to the largest
  CHECK(cache.capacity() == 5);
  placements = cache.place(10);
  REQUIRE(placements.size() == 1);
  CHECK(placements[0].code_point == U'e');
  CHECK_FALSE(cache.needs_growth());  // f and g wait for an eviction
  CHECK(cache.queued() == 2);

  const auto all = cache.placed();
  CHECK(all.size() == 5);
  CHECK(std::find(all.begin(), all.end(), std::make_pair(U'e', std::size_t{4})) != all.end());
}

TEST_CASE("reset forgets every glyph and queues the pinned ones again", "[glyphs]") {
  GlyphCache cache(4, 8);
  cache.pin(U'p');
  cache.note_text("qr");
  REQUIRE(cache.place(10).size() == 3);
  cache.grow(8);
  cache.reset(4, 6);
  CHECK(cache.capacity() == 4);
  CHECK(cache.max_capacity() == 6);
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.has_glyph(U'q'));
  const auto placements = cache.place(10);
  REQUIRE(placements.size() == 1);
  CHECK(placements[0].code_point == U'p');
  CHECK(cache.pinned(U'p'));
}

TEST_CASE("the queue is bounded: beyond kMaxQueued code points are dropped until drawn again", "[glyphs]") {
  GlyphCache cache(1, 1);
  for (char32_t c = 0x4E00; c < 0x4E00 + GlyphCache::kMaxQueued + 100; ++c) cache.note(c);
  CHECK(cache.queued() == GlyphCache::kMaxQueued);
}
