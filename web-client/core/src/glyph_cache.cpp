#include "chat_client/glyph_cache.hpp"

#include <algorithm>

#include "codec/utf8.hpp"

namespace chat_client {

namespace {

// Free slots are kept in descending order so that the lowest is taken
// first: the grid fills from its top rows.
std::vector<std::size_t> descending(std::size_t from, std::size_t to) {
  std::vector<std::size_t> slots;
  slots.reserve(to - from);
  for (std::size_t slot = to; slot > from; --slot) slots.push_back(slot - 1);
  return slots;
}

}  // namespace

GlyphCache::GlyphCache(std::size_t capacity, std::size_t max_capacity) { reset(capacity, max_capacity); }

bool GlyphCache::drawable(char32_t code_point) {
  if (code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0)) return false;  // C0, DEL, C1
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
  return code_point <= kMaxCodePoint;
}

void GlyphCache::note_text(std::string_view utf8) {
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const auto code_point = codec::utf8::decode_one(utf8, pos);
    if (code_point) {
      note(*code_point);
    } else {
      ++pos;  // ImGui draws a malformed byte as U+FFFD and goes on with the next one
      note(0xFFFD);
    }
  }
}

void GlyphCache::note(char32_t code_point) {
  if (!drawable(code_point)) return;
  const auto it = entries_.find(code_point);
  if (it != entries_.end()) {
    it->second.last_used = frame_;
  } else {
    enqueue(code_point);
  }
}

void GlyphCache::pin(char32_t code_point) {
  if (!drawable(code_point)) return;
  pins_.insert(code_point);
  const auto it = entries_.find(code_point);
  if (it != entries_.end()) {
    it->second.pinned = true;
  } else {
    enqueue(code_point);
  }
}

void GlyphCache::enqueue(char32_t code_point) {
  if (queued_.count(code_point) != 0 || queue_.size() >= kMaxQueued) return;
  queue_.push_back(code_point);
  queued_.insert(code_point);
}

std::optional<std::size_t> GlyphCache::slot_of(char32_t code_point) const {
  const auto it = entries_.find(code_point);
  if (it == entries_.end()) return std::nullopt;
  return it->second.slot;
}

bool GlyphCache::pinned(char32_t code_point) const {
  const auto it = entries_.find(code_point);
  return it != entries_.end() && it->second.pinned;
}

bool GlyphCache::needs_growth() const { return !queue_.empty() && free_.empty() && slots_.size() < max_capacity_; }

void GlyphCache::grow(std::size_t capacity) {
  capacity = std::min(capacity, max_capacity_);
  if (capacity <= slots_.size()) return;
  const std::size_t old = slots_.size();
  slots_.resize(capacity);
  // The new slots are all higher than the free ones: they go first in the
  // descending list, so that lower slots are still taken first.
  const auto added = descending(old, capacity);
  free_.insert(free_.begin(), added.begin(), added.end());
}

bool GlyphCache::can_place() const {
  if (queue_.empty()) return false;
  if (!free_.empty()) return true;
  return std::any_of(entries_.begin(), entries_.end(), [&](const auto& entry) { return evictable(entry.second); });
}

std::vector<GlyphCache::Placement> GlyphCache::place(std::size_t max_count) {
  std::vector<Placement> placements;
  std::vector<std::pair<std::uint64_t, char32_t>> victims;  // (last used, code point), oldest first
  bool victims_listed = false;
  std::size_t next_victim = 0;
  std::size_t taken = 0;
  while (taken < queue_.size() && placements.size() < max_count) {
    Placement placement;
    placement.code_point = queue_[taken];
    if (!free_.empty()) {
      placement.slot = free_.back();
      free_.pop_back();
    } else {
      if (!victims_listed) {
        // Listed once per call, before anything is placed, so nothing
        // placed now is evicted again in the same call.
        for (const auto& [code_point, entry] : entries_) {
          if (evictable(entry)) victims.emplace_back(entry.last_used, code_point);
        }
        std::sort(victims.begin(), victims.end());
        victims_listed = true;
      }
      if (next_victim == victims.size()) break;  // all in use: the rest waits
      const char32_t victim = victims[next_victim++].second;
      placement.slot = entries_.at(victim).slot;
      placement.evicted = victim;
      entries_.erase(victim);
    }
    slots_[placement.slot] = placement.code_point;
    entries_[placement.code_point] = Entry{placement.slot, frame_, pins_.count(placement.code_point) != 0};
    queued_.erase(placement.code_point);
    placements.push_back(placement);
    ++taken;
  }
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(taken));
  return placements;
}

std::vector<std::pair<char32_t, std::size_t>> GlyphCache::placed() const {
  std::vector<std::pair<char32_t, std::size_t>> glyphs;
  glyphs.reserve(entries_.size());
  for (std::size_t slot = 0; slot < slots_.size(); ++slot) {
    if (slots_[slot]) glyphs.emplace_back(*slots_[slot], slot);
  }
  return glyphs;
}

void GlyphCache::reset(std::size_t capacity, std::size_t max_capacity) {
  max_capacity_ = std::max<std::size_t>(1, max_capacity);
  capacity = std::clamp<std::size_t>(capacity, 1, max_capacity_);
  entries_.clear();
  slots_.assign(capacity, std::nullopt);
  free_ = descending(0, capacity);
  queue_.clear();
  queued_.clear();
  for (const char32_t code_point : pins_) enqueue(code_point);
}

}  // namespace chat_client
