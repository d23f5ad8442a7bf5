#pragma once
// The bookkeeping of the browser client's glyph atlas: which code points
// have a glyph in it, which are still wanted, and which slot a newcomer gets.
//
// Why it exists: the client draws no font of its own (a CJK font made most
// of the first visit); each glyph is drawn by the browser's own fonts on
// first sight (web-client/app/font_atlas.*) into one cell of a grid of equal
// slots in the ImGui font texture. The rules for that grid are plain C++
// and live here, unit tested natively:
//  - the view notes the text it is about to draw (note_text); code points
//    without a glyph are queued, those with one are marked used this frame;
//  - between frames the app asks for slots (place): a free slot first,
//    else the least recently used glyph that was not used in the frame just
//    drawn is evicted (its text was not on screen, and is queued again if
//    it comes back);
//  - when nothing is free the app may first grow the grid (needs_growth,
//    grow) up to a largest capacity; after that it only evicts, and what
//    does not fit waits: never a crash, at worst a glyph missing on a
//    screen that shows more distinct characters than the atlas holds;
//  - pinned code points (the Latin base the UI's own labels are made of,
//    which nobody notes) are never evicted.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace chat_client {

class GlyphCache {
 public:
  // The highest code point that gets a glyph. Beyond it lie the tag
  // characters and variation selectors of plane 14 (default-ignorable: no
  // glyph of their own) and the private-use planes 15 and 16 (no public
  // glyphs). ImGui's per-font lookup tables are sized by the highest code
  // point they hold (8 bytes each), so one U+10FFFD in a message would cost
  // every client 9 MB; up to plane 3 it is at most 2 MB.
  static constexpr char32_t kMaxCodePoint = 0x3FFFF;
  // Queued code points beyond this many are dropped; they are noted again
  // when they are drawn again.
  static constexpr std::size_t kMaxQueued = 4096;

  struct Placement {
    char32_t code_point = 0;
    std::size_t slot = 0;
    std::optional<char32_t> evicted;  // the code point that had the slot before
  };

  // `capacity` slots now (at least one); grow() may raise it up to `max_capacity`.
  GlyphCache(std::size_t capacity, std::size_t max_capacity);

  // Whether `code_point` ever gets a glyph: not for control characters,
  // surrogates, or beyond kMaxCodePoint (the app draws those as nothing).
  static bool drawable(char32_t code_point);

  // A new frame starts: glyphs used from now on are used "this frame".
  void begin_frame() { ++frame_; }

  // Text about to be drawn (UTF-8; a malformed byte counts as U+FFFD, as
  // ImGui draws it): its glyphs are marked used, the missing ones queued.
  void note_text(std::string_view utf8);
  void note(char32_t code_point);
  // Queued like note(), and never evicted once placed.
  void pin(char32_t code_point);

  bool has_glyph(char32_t code_point) const { return entries_.count(code_point) != 0; }
  std::optional<std::size_t> slot_of(char32_t code_point) const;
  bool pinned(char32_t code_point) const;
  std::size_t queued() const { return queue_.size(); }
  std::size_t capacity() const { return slots_.size(); }
  std::size_t max_capacity() const { return max_capacity_; }
  std::size_t size() const { return entries_.size(); }

  // Something is queued, no slot is free, and the grid may still grow.
  bool needs_growth() const;
  // More slots (at most max_capacity); placed glyphs keep their slots.
  void grow(std::size_t capacity);
  // Whether place() would place anything now: something is queued, and a
  // slot is free or a glyph can be evicted.
  bool can_place() const;
  // Up to `max_count` queued code points, oldest first, each with a slot.
  std::vector<Placement> place(std::size_t max_count);
  // Every placed glyph with its slot, e.g. to draw them all again into a
  // new texture.
  std::vector<std::pair<char32_t, std::size_t>> placed() const;
  // Forgets every glyph (the text size changed: each must be drawn again)
  // and starts over with a new grid; pinned code points are queued again.
  void reset(std::size_t capacity, std::size_t max_capacity);

 private:
  struct Entry {
    std::size_t slot = 0;
    std::uint64_t last_used = 0;
    bool pinned = false;
  };

  void enqueue(char32_t code_point);
  bool evictable(const Entry& entry) const { return !entry.pinned && entry.last_used < frame_; }

  std::size_t max_capacity_ = 1;
  std::uint64_t frame_ = 1;
  std::unordered_map<char32_t, Entry> entries_;
  std::vector<std::optional<char32_t>> slots_;  // slot -> its code point
  std::vector<std::size_t> free_;               // free slots, the lowest last
  std::vector<char32_t> queue_;                 // wanted, in the order first noted
  std::unordered_set<char32_t> queued_;
  std::unordered_set<char32_t> pins_;  // pinned code points, placed or not
};

}  // namespace chat_client
