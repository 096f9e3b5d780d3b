// Evidence: the custody hash recipe, chain verification and the redaction check. Pure.
#include "engine/evidence.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace heat {
namespace {

constexpr std::array<std::string_view, 7> kKinds = {"physical",         "digital",           "document", "online_ad",
                                                    "financial_record", "device_extraction", "other"};

// Lowercase letters and digits, every other run of characters one space, trimmed.
std::string fold(std::string_view text) {
  std::string out;
  bool gap = false;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch >= 0x80) {
      if (gap && !out.empty()) out += ' ';
      gap = false;
      out += static_cast<char>(std::tolower(ch));
    } else {
      gap = true;
    }
  }
  return out;
}

std::string digits(std::string_view text) {
  std::string out;
  for (unsigned char ch : text)
    if (std::isdigit(ch)) out += static_cast<char>(ch);
  return out;
}

std::size_t alnum_count(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c) || c >= 0x80; }));
}

// Whole-word containment in folded text: "ana" does not match inside "banana".
bool contains_words(const std::string& haystack, const std::string& needle) {
  if (needle.empty()) return false;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) {
    const bool left = pos == 0 || haystack[pos - 1] == ' ';
    const std::size_t end = pos + needle.size();
    const bool right = end == haystack.size() || haystack[end] == ' ';
    if (left && right) return true;
  }
  return false;
}

// A digit run of the text (separators between digits allowed) contains the phone's digits.
bool contains_phone(std::string_view text, const std::string& phone_digits) {
  if (phone_digits.size() < 7) return false;
  // Compare against digits of each maximal run of digits and phone punctuation.
  std::string run;
  auto check = [&] { return run.find(phone_digits) != std::string::npos; };
  for (unsigned char ch : text) {
    if (std::isdigit(ch)) {
      run += static_cast<char>(ch);
    } else if (ch == ' ' || ch == '-' || ch == '.' || ch == '(' || ch == ')' || ch == '+') {
      continue;
    } else {
      if (check()) return true;
      run.clear();
    }
  }
  return check();
}

// The forms a YYYY-MM-DD date of birth is written in.
std::vector<std::string> dob_forms(std::string_view iso) {
  std::vector<std::string> out;
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return out;
  const std::string y(iso.substr(0, 4)), m(iso.substr(5, 2)), d(iso.substr(8, 2));
  auto strip = [](const std::string& s) { return s[0] == '0' ? s.substr(1) : s; };
  out.push_back(std::string(iso));
  out.push_back(m + "/" + d + "/" + y);
  out.push_back(strip(m) + "/" + strip(d) + "/" + y);
  return out;
}

bool text_has_dob(std::string_view text, const std::vector<std::string>& forms) {
  for (const auto& f : forms) {
    for (auto pos = text.find(f); pos != std::string_view::npos; pos = text.find(f, pos + 1)) {
      const bool left = pos == 0 || !std::isdigit(static_cast<unsigned char>(text[pos - 1]));
      const std::size_t end = pos + f.size();
      const bool right = end == text.size() || !std::isdigit(static_cast<unsigned char>(text[end]));
      if (left && right) return true;
    }
  }
  return false;
}

bool found_in(const ItemText& t, const VictimIdentityValue& id) {
  if (id.field == "phone") {
    // A North American number is matched without its country code: "+1 510 ..." = "510 ...".
    std::string d = digits(id.value);
    if (d.size() == 11 && d.front() == '1') d.erase(0, 1);
    return contains_phone(t.text, d);
  }
  if (id.field == "dob") return text_has_dob(t.text, dob_forms(id.value));
  if (alnum_count(id.value) < 3) return false;
  return contains_words(fold(t.text), fold(id.value));
}

}  // namespace

bool is_evidence_kind(std::string_view kind) noexcept {
  return std::find(kKinds.begin(), kKinds.end(), kind) != kKinds.end();
}

std::string custody_canonical_text(std::string_view prev_hash, std::string_view item_id, std::int64_t seq,
                                   std::string_view at_text, std::string_view from, std::string_view to,
                                   std::string_view purpose, std::string_view location,
                                   std::string_view recorded_by) {
  std::string out;
  const std::string seq_text = std::to_string(seq);
  for (std::string_view part : {prev_hash, item_id, std::string_view(seq_text), at_text, from, to, purpose, location}) {
    out += part;
    out += '\n';
  }
  out += recorded_by;
  return out;
}

std::string custody_canonical_text(const CustodyEvent& e) {
  return custody_canonical_text(e.prev_hash, e.item_id, e.seq, e.at_text, e.from, e.to, e.purpose, e.location,
                                e.recorded_by);
}

ChainVerification verify_custody_chain(const std::vector<CustodyEvent>& events, const Sha256Hex& sha256,
                                       const std::optional<CustodyHead>& head) {
  ChainVerification v;
  std::string prev = kCustodyGenesisHash;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const CustodyEvent& e = events[i];
    ++v.checked;
    const bool linked = e.seq == static_cast<std::int64_t>(i) + 1 && e.prev_hash == prev &&
                        e.hash == sha256(custody_canonical_text(e));
    if (!linked) {
      v.valid = false;
      v.broken_at = e.id;
      return v;
    }
    prev = e.hash;
  }
  if (head) {
    const std::int64_t last_seq = events.empty() ? 0 : events.back().seq;
    const std::string last_hash = events.empty() ? std::string() : events.back().hash;
    if (head->seq != last_seq || (last_seq > 0 && head->hash != last_hash)) {
      v.valid = false;
      // Events after the last one are missing (or the head was moved): the last link stands
      // unconfirmed. With no events left at all there is no event to name.
      if (!events.empty()) v.broken_at = events.back().id;
    }
  }
  return v;
}

std::optional<std::string> status_for_purpose(std::string_view purpose) {
  if (purpose == "lab_analysis") return "at_lab";
  if (purpose == "court") return "in_court";
  if (purpose == "return" || purpose == "storage") return "in_custody";
  if (purpose == "release") return "released";
  if (purpose == "destruction") return "destroyed";
  return std::nullopt;
}

std::vector<ItemText> item_texts(const EvidenceItem& item) {
  return {{item.id, "label", item.label},
          {item.id, "description", item.description},
          {item.id, "source", item.source},
          {item.id, "location", item.location},
          {item.id, "storage_location", item.storage_location}};
}

std::vector<RedactionFinding> redaction_findings(const std::vector<ItemText>& texts,
                                                 const std::vector<VictimIdentityValue>& identities) {
  std::vector<RedactionFinding> out;
  for (const auto& t : texts) {
    for (const auto& id : identities) {
      if (id.value.empty() || !found_in(t, id)) continue;
      RedactionFinding f{t.item_id, t.field, id.field};
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace heat
