#include "engine/evidence.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace heat {
namespace {

// Not SHA-256: the chain logic does not care which hash, and engine/ links no crypto. The
// HTTP tests check the real recipe against openssl.
std::string fake_hash(std::string_view bytes) {
  unsigned long long h = 1469598103934665603ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", h);
  return std::string(out) + std::string(48, '0');
}

std::vector<CustodyEvent> chain(int n) {
  std::vector<CustodyEvent> out;
  std::string prev = kCustodyGenesisHash;
  for (int i = 1; i <= n; ++i) {
    CustodyEvent e;
    e.id = "e" + std::to_string(i);
    e.item_id = "11111111-1111-1111-1111-111111111111";
    e.seq = i;
    e.from = i == 1 ? "" : "holder " + std::to_string(i - 1);
    e.to = "holder " + std::to_string(i);
    e.purpose = i == 1 ? kCollectedPurpose : "transfer";
    e.at_text = "2026-11-0" + std::to_string(i) + "T17:00:00.000000Z";
    e.location = "Property room";
    e.recorded_by = "dda1";
    e.prev_hash = prev;
    e.hash = fake_hash(custody_canonical_text(e));
    prev = e.hash;
    out.push_back(e);
  }
  return out;
}

TEST(CustodyCanonicalText, IsTheDocumentedRecipe) {
  EXPECT_EQ(custody_canonical_text("p", "item", 3, "2026-11-02T17:30:00.000000Z", "Det. A", "Lab", "lab_analysis",
                                   "Crime lab", "dda1"),
            "p\nitem\n3\n2026-11-02T17:30:00.000000Z\nDet. A\nLab\nlab_analysis\nCrime lab\ndda1");
  // Empty fields keep their place (the collection has no "from").
  EXPECT_EQ(custody_canonical_text("p", "i", 1, "t", "", "to", "collected", "", "u"), "p\ni\n1\nt\n\nto\ncollected\n\nu");
}

TEST(VerifyCustodyChain, AValidChainVerifies) {
  auto events = chain(4);
  auto v = verify_custody_chain(events, fake_hash, CustodyHead{4, events.back().hash});
  EXPECT_TRUE(v.valid);
  EXPECT_FALSE(v.broken_at.has_value());
  EXPECT_EQ(v.checked, 4);
  EXPECT_TRUE(verify_custody_chain({}, fake_hash, CustodyHead{0, ""}).valid);
}

TEST(VerifyCustodyChain, AnAlteredFieldBreaksThatEvent) {
  for (int k = 0; k < 4; ++k) {
    auto events = chain(4);
    events[static_cast<std::size_t>(k)].to = "someone else";
    auto v = verify_custody_chain(events, fake_hash);
    EXPECT_FALSE(v.valid);
    EXPECT_EQ(v.broken_at, events[static_cast<std::size_t>(k)].id) << k;
  }
}

TEST(VerifyCustodyChain, ADeletedEventBreaksTheNextOne) {
  auto events = chain(4);
  events.erase(events.begin() + 1);
  auto v = verify_custody_chain(events, fake_hash);
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.broken_at, "e3");
}

TEST(VerifyCustodyChain, ADeletedLastEventIsCaughtByTheHead) {
  auto events = chain(4);
  const CustodyHead head{4, events.back().hash};
  events.pop_back();
  EXPECT_TRUE(verify_custody_chain(events, fake_hash).valid);  // the links alone hold
  auto v = verify_custody_chain(events, fake_hash, head);
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.broken_at, "e3");
}

TEST(VerifyCustodyChain, ReorderedEventsBreakAtTheFirstMisplacedOne) {
  auto events = chain(4);
  std::swap(events[1], events[2]);
  std::swap(events[1].seq, events[2].seq);
  auto v = verify_custody_chain(events, fake_hash);
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.broken_at, "e3");
}

TEST(StatusForPurpose, TheTable) {
  const std::pair<const char*, std::optional<std::string>> rows[] = {
      {"lab_analysis", "at_lab"},   {"court", "in_court"},     {"return", "in_custody"}, {"storage", "in_custody"},
      {"release", "released"},      {"destruction", "destroyed"}, {"transfer", std::nullopt}, {"Court", std::nullopt},
  };
  for (const auto& [purpose, status] : rows) EXPECT_EQ(status_for_purpose(purpose), status) << purpose;
}

TEST(EvidenceKind, TheApiSpellings) {
  for (const char* k : {"physical", "digital", "document", "online_ad", "financial_record", "device_extraction", "other"})
    EXPECT_TRUE(is_evidence_kind(k)) << k;
  EXPECT_FALSE(is_evidence_kind("online advertisement"));
  EXPECT_FALSE(is_evidence_kind(""));
}

struct RedactionRow {
  const char* text;
  const char* identity_field;
  const char* value;
  bool found;
};

TEST(RedactionFindings, TheTable) {
  const RedactionRow rows[] = {
      {"Phone seized from Maria Lopez at the motel", "legal_name", "Maria Lopez", true},
      {"phone seized from MARIA   LOPEZ", "legal_name", "Maria Lopez", true},
      {"ad lists maria-lopez as contact", "legal_name", "Maria Lopez", true},
      {"Phone seized from Mariana Lopezz", "legal_name", "Maria Lopez", false},
      {"Receipt, 1200 Broadway, Oakland", "address", "1200 Broadway", true},
      {"Receipt, 11200 Broadway, Oakland", "address", "1200 Broadway", false},
      {"Call log shows (510) 555-0142 twice", "phone", "510-555-0142", true},
      {"Call log shows 5105550142", "phone", "+1 510 555 0142", true},  // the country code is dropped
      {"Call log shows 1-510-555-0142", "phone", "510.555.0142", true},
      {"Serial 5105550199", "phone", "510-555-0142", false},
      {"ID card, DOB 2009-04-07", "dob", "2009-04-07", true},
      {"ID card, born 4/7/2009", "dob", "2009-04-07", true},
      {"ID card, born 04/07/2009", "dob", "2009-04-07", true},
      {"Case 12009-04-075", "dob", "2009-04-07", false},
      {"Motel receipt", "legal_name", "Al", false},  // too short to match safely
  };
  for (const auto& row : rows) {
    auto found = redaction_findings({{"item1", "description", row.text}}, {{row.identity_field, row.value}});
    EXPECT_EQ(!found.empty(), row.found) << row.text << " / " << row.value;
    if (!found.empty()) {
      EXPECT_EQ(found[0], (RedactionFinding{"item1", "description", row.identity_field}));
    }
  }
}

TEST(RedactionFindings, OneFindingPerItemFieldAndIdentityFieldAndNoValues) {
  EvidenceItem item;
  item.id = "i1";
  item.label = "Phone of Maria Lopez";
  item.description = "Maria Lopez's phone, 510-555-0142";
  item.source = "Det. Smith";
  const std::vector<VictimIdentityValue> ids = {
      {"legal_name", "Maria Lopez"}, {"phone", "510 555 0142"}, {"legal_name", "maria lopez"}};
  auto f = redaction_findings(item_texts(item), ids);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0], (RedactionFinding{"i1", "label", "legal_name"}));
  EXPECT_EQ(f[1], (RedactionFinding{"i1", "description", "legal_name"}));
  EXPECT_EQ(f[2], (RedactionFinding{"i1", "description", "phone"}));
  item.label = "Phone of J.D. 4";
  item.description = "Victim's phone";
  EXPECT_TRUE(redaction_findings(item_texts(item), ids).empty());
}

}  // namespace
}  // namespace heat
