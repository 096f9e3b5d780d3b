#include "engine/statutes.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace heat {
namespace {

// LEGAL.md, "Charge catalog", copied verbatim: the catalog must reproduce every row.
constexpr std::string_view kLegalMdCatalog = R"md(
| PC 236.1(a) | labor trafficking | felony | 5/8/12 | ≤ $500k (+≤ $1M, 236.4(a)) | none | yes | labor trafficking |
| PC 236.1(b) | sex trafficking (intent to commit 266, 266h, 266i, 266j, 267, 311.1–311.6, 518) | felony | 8/14/20 | same | T3 | yes | sex trafficking |
| PC 236.1(c)(1) | trafficking a minor for a commercial sex act | felony, serious | 5/8/12 | same | T3 | yes | sex trafficking of a minor |
| PC 236.1(c)(2) | the same with force, fear, fraud, deceit, coercion, violence, duress, menace or threat | felony, serious | 15 to life | same | T3 | yes | sex trafficking of a minor |
| PC 236.4(b) | enhancement: great bodily injury | enhancement | +5/7/10 consecutive | — | — | yes | enhancement |
| PC 236.4(c) | enhancement: prior trafficking conviction | enhancement | +5 each | — | — | yes | enhancement |
| PC 266h(a) | pimping | felony | 3/4/6 | +≤ $5k (266k) | none | no | pimping/pandering |
| PC 266h(b) | pimping a minor (under 16: 3/6/8) | felony | 3/4/6 | +≤ $5k | T3 | no | pimping/pandering |
| PC 266i(a) | pandering | felony | 3/4/6 | +≤ $5k | none | no | pimping/pandering |
| PC 266i(b) | pandering a minor (under 16: 3/6/8) | felony | 3/4/6 | +≤ $5k | T3 | no | pimping/pandering |
| PC 266j | supplying a child under 16 for a lewd act | felony | 3/6/8 | ≤ $15k, +≤ $25k | T3 | no | child sexual abuse |
| PC 267 | abducting a minor for prostitution | felony | 16m/2/3 | ≤ $2k, +≤ $25k | T3 | no | sex trafficking of a minor |
| PC 266 | enticing a minor into prostitution | wobbler | prison, or jail ≤ 1 yr | ≤ $2k | registrable | no | sex trafficking of a minor |
| PC 288(a) | lewd act on a child under 14 | felony | 3/6/8 | +≤ $10k | registrable | no | child sexual abuse |
| PC 288(b)(1) | the same by force or fear | felony | 5/8/10 | +≤ $10k | T3 | no | child sexual abuse |
| PC 311.4(b) | using a minor for commercial sexual images | felony | 3/6/8 | — | T3 | no | exploitation material |
| PC 311.11 | possession of child sexual abuse material | wobbler | 16m/2/3 or jail | ≤ $2,500 | T3 if felony | no | exploitation material |
| PC 647(b) | prostitution (not applicable to minors, PC 647(b)(5)) | misdemeanor | ≤ 6 mo | ≤ $1k | none | no | commercial sex |
| PC 647(l) | an adult buyer soliciting a minor (wobbler if under 16, a 236.1(c) victim, or > 3 years younger) | misdemeanor, 2 days–1 yr | — | ≤ $10k, +$1k | repeat offenders only | no | commercial sex |
| PC 182(a) | conspiracy (punished as the target felony) | felony | as target | — | if the target is registrable | no | conspiracy |
| PC 186.10 | money laundering (> $5k in 7 days or > $25k in 30 days) | wobbler (UNCONFIRMED) | jail or 1170(h) | ≤ $250k or 2× | none | no | financial |
)md";

struct MdRow {
  std::string code, offense, klass, term, fine, registration, prop35, category;
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(' ');
  auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<MdRow> parse_markdown_rows() {
  std::vector<MdRow> out;
  std::istringstream in{std::string(kLegalMdCatalog)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::istringstream cols(line.substr(1, line.size() - 2));  // drop the outer pipes
    std::string cell;
    while (std::getline(cols, cell, '|')) cells.push_back(trim(cell));
    EXPECT_EQ(cells.size(), 8u) << line;
    if (cells.size() != 8) continue;
    out.push_back({cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]});
  }
  return out;
}

TEST(StatuteCatalog, ReproducesEveryLegalMdRowInOrder) {
  const auto md = parse_markdown_rows();
  const auto& rows = StatuteCatalog::builtin().all();
  ASSERT_EQ(md.size(), 21u);
  ASSERT_EQ(rows.size(), md.size());
  std::string previous_fine;
  for (std::size_t i = 0; i < md.size(); ++i) {
    SCOPED_TRACE(md[i].code);
    const Statute& s = rows[i];
    EXPECT_EQ(s.code, md[i].code);
    EXPECT_EQ(s.title, md[i].offense);
    EXPECT_EQ(s.class_text, md[i].klass);
    EXPECT_EQ(s.term, md[i].term);
    // "same" in LEGAL.md's fine column means the row above's fine; the catalog writes it out.
    const std::string fine = md[i].fine == "same" ? previous_fine : md[i].fine;
    EXPECT_EQ(s.fine, fine);
    previous_fine = fine;
    EXPECT_EQ(s.registration_text, md[i].registration);
    EXPECT_EQ(s.prop35, md[i].prop35 == "yes");
    EXPECT_EQ(s.category, md[i].category);
    EXPECT_EQ(s.citation.rfind(s.code, 0), 0u) << "a citation starts with the row's own code: " << s.citation;
    EXPECT_EQ(s.unconfirmed, md[i].klass.find("UNCONFIRMED") != std::string::npos);
  }
}

struct Normalized {
  const char* code;
  StatuteClass cls;
  RegistrationTier tier;
  RegistrationDuty duty;
  bool serious;
};

// One row per statute: the normalized class and registration, and the derived facts.
const Normalized kNormalized[] = {
    {"PC 236.1(a)", StatuteClass::felony, RegistrationTier::none, RegistrationDuty::none, false},
    {"PC 236.1(b)", StatuteClass::felony, RegistrationTier::tier3, RegistrationDuty::required, false},
    {"PC 236.1(c)(1)", StatuteClass::felony_serious, RegistrationTier::tier3, RegistrationDuty::required, true},
    {"PC 236.1(c)(2)", StatuteClass::felony_serious, RegistrationTier::tier3, RegistrationDuty::required, true},
    {"PC 236.4(b)", StatuteClass::enhancement, RegistrationTier::not_applicable, RegistrationDuty::none, false},
    {"PC 236.4(c)", StatuteClass::enhancement, RegistrationTier::not_applicable, RegistrationDuty::none, false},
    {"PC 266h(a)", StatuteClass::felony, RegistrationTier::none, RegistrationDuty::none, false},
    {"PC 266h(b)", StatuteClass::felony, RegistrationTier::tier3, RegistrationDuty::required, false},
    {"PC 266i(a)", StatuteClass::felony, RegistrationTier::none, RegistrationDuty::none, false},
    {"PC 266i(b)", StatuteClass::felony, RegistrationTier::tier3, RegistrationDuty::required, false},
    {"PC 266j", StatuteClass::felony, RegistrationTier::tier3, RegistrationDuty::required, false},
    {"PC 267", StatuteClass::felony, RegistrationTier::tier3, RegistrationDuty::required, false},
    {"PC 266", StatuteClass::wobbler, RegistrationTier::registrable, RegistrationDuty::required, false},
    {"PC 288(a)", StatuteClass::felony, RegistrationTier::registrable, RegistrationDuty::required, false},
    {"PC 288(b)(1)", StatuteClass::felony, RegistrationTier::tier3, RegistrationDuty::required, false},
    {"PC 311.4(b)", StatuteClass::felony, RegistrationTier::tier3, RegistrationDuty::required, false},
    {"PC 311.11", StatuteClass::wobbler, RegistrationTier::conditional, RegistrationDuty::conditional, false},
    {"PC 647(b)", StatuteClass::misdemeanor, RegistrationTier::none, RegistrationDuty::none, false},
    {"PC 647(l)", StatuteClass::misdemeanor, RegistrationTier::conditional, RegistrationDuty::conditional, false},
    {"PC 182(a)", StatuteClass::felony, RegistrationTier::conditional, RegistrationDuty::conditional, false},
    {"PC 186.10", StatuteClass::wobbler, RegistrationTier::none, RegistrationDuty::none, false},
};

class StatuteFacts : public ::testing::TestWithParam<Normalized> {};

TEST_P(StatuteFacts, ClassRegistrationAndSeriousFelony) {
  const auto& n = GetParam();
  const Statute* s = StatuteCatalog::builtin().find(n.code);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->statute_class, n.cls);
  EXPECT_EQ(s->registration, n.tier);
  EXPECT_EQ(registration_duty(*s), n.duty);
  EXPECT_EQ(is_serious_felony(*s), n.serious);
}

INSTANTIATE_TEST_SUITE_P(EveryRow, StatuteFacts, ::testing::ValuesIn(kNormalized),
                         [](const ::testing::TestParamInfo<Normalized>& info) {
                           std::string name;
                           for (char c : std::string(info.param.code)) {
                             if (std::isalnum(static_cast<unsigned char>(c))) name += c;
                           }
                           return name;
                         });

TEST(StatuteFacts, TableCoversTheWholeCatalog) {
  EXPECT_EQ(std::size(kNormalized), StatuteCatalog::builtin().all().size());
}

// SB 14 (2023): PC 236.1(c) is a serious felony (PC 1192.7(c)(42)), except a (c)(1) offender
// who was a trafficking victim at the time.
TEST(SeriousFelony, TraffickedOffenderExceptionAppliesToC1Only) {
  const auto& cat = StatuteCatalog::builtin();
  const Statute* c1 = cat.find("PC 236.1(c)(1)");
  const Statute* c2 = cat.find("PC 236.1(c)(2)");
  const Statute* b = cat.find("PC 236.1(b)");
  ASSERT_TRUE(c1 && c2 && b);
  EXPECT_TRUE(is_serious_felony(*c1));
  EXPECT_FALSE(is_serious_felony(*c1, /*offender_was_trafficking_victim=*/true));
  EXPECT_TRUE(is_serious_felony(*c2));
  EXPECT_TRUE(is_serious_felony(*c2, /*offender_was_trafficking_victim=*/true));
  EXPECT_FALSE(is_serious_felony(*b, true));
  EXPECT_NE(c1->citation.find("PC 1192.7(c)(42)"), std::string::npos);
  EXPECT_NE(c2->citation.find("PC 1192.7(c)(42)"), std::string::npos);
}

TEST(StatuteCatalog, UnconfirmedItemsAreMarked) {
  std::vector<std::string> unconfirmed;
  for (const auto& s : StatuteCatalog::builtin().all()) {
    if (s.unconfirmed) {
      unconfirmed.push_back(s.code);
      EXPECT_FALSE(s.unconfirmed_note.empty()) << s.code;
    }
  }
  EXPECT_EQ(unconfirmed, std::vector<std::string>{"PC 186.10"});
}

TEST(StatuteCatalog, LookupByExactCode) {
  const auto& cat = StatuteCatalog::builtin();
  const Statute* s = cat.find("PC 236.1(c)(2)");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->term, "15 to life");
  EXPECT_EQ(cat.find("PC 236.1(c)"), nullptr);
  EXPECT_EQ(cat.find("pc 236.1(a)"), nullptr);

  auto ok = cat.lookup("PC 267");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->term, "16m/2/3");

  auto missing = cat.lookup("PC 999");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::invalid_argument);
  ASSERT_EQ(missing.error().fields.size(), 1u);
  EXPECT_EQ(missing.error().fields[0].field, "statute");
}

std::vector<std::string> codes(const std::vector<Statute>& rows) {
  std::vector<std::string> out;
  for (const auto& s : rows) out.push_back(s.code);
  return out;
}

TEST(StatuteCatalog, FiltersByProp35AndCategory) {
  const auto& cat = StatuteCatalog::builtin();
  EXPECT_EQ(codes(cat.filter({true, std::nullopt})),
            (std::vector<std::string>{"PC 236.1(a)", "PC 236.1(b)", "PC 236.1(c)(1)", "PC 236.1(c)(2)", "PC 236.4(b)",
                                      "PC 236.4(c)"}));
  EXPECT_EQ(cat.filter({false, std::nullopt}).size(), 15u);
  EXPECT_EQ(cat.filter({}).size(), 21u);
  EXPECT_EQ(codes(cat.filter({std::nullopt, std::string("sex trafficking of a minor")})),
            (std::vector<std::string>{"PC 236.1(c)(1)", "PC 236.1(c)(2)", "PC 267", "PC 266"}));
  EXPECT_EQ(codes(cat.filter({true, std::string("sex trafficking of a minor")})),
            (std::vector<std::string>{"PC 236.1(c)(1)", "PC 236.1(c)(2)"}));
  EXPECT_EQ(codes(cat.filter({false, std::string("enhancement")})), std::vector<std::string>{});
  EXPECT_TRUE(cat.filter({std::nullopt, std::string("no such category")}).empty());
}

TEST(StatuteCatalog, CategoriesInOrderOfFirstAppearance) {
  EXPECT_EQ(StatuteCatalog::builtin().categories(),
            (std::vector<std::string>{"labor trafficking", "sex trafficking", "sex trafficking of a minor", "enhancement",
                                      "pimping/pandering", "child sexual abuse", "exploitation material",
                                      "commercial sex", "conspiracy", "financial"}));
}

TEST(StatuteCatalog, FromRowsRejectsDuplicateAndEmptyCodes) {
  auto rows = StatuteCatalog::builtin().all();
  rows.push_back(rows.front());
  auto dup = StatuteCatalog::from_rows(rows);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(dup.error().fields.at(0).field, "code");

  auto empty = StatuteCatalog::from_rows({Statute{}});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_argument);
}

TEST(StatuteCatalog, FromRowsSettlesAnUnconfirmedItemAsData) {
  auto rows = StatuteCatalog::builtin().all();
  for (auto& s : rows) {
    if (s.code == "PC 186.10") {
      s.statute_class = StatuteClass::felony;
      s.unconfirmed = false;
    }
  }
  auto cat = StatuteCatalog::from_rows(rows);
  ASSERT_TRUE(cat);
  EXPECT_EQ(cat->find("PC 186.10")->statute_class, StatuteClass::felony);
  EXPECT_EQ(StatuteCatalog::builtin().find("PC 186.10")->statute_class, StatuteClass::wobbler);
}

TEST(StatuteStrings, OneMappingEachWay) {
  for (auto c : {StatuteClass::felony, StatuteClass::felony_serious, StatuteClass::misdemeanor, StatuteClass::wobbler,
                 StatuteClass::enhancement}) {
    auto back = parse_statute_class(to_string(c));
    ASSERT_TRUE(back) << to_string(c);
    EXPECT_EQ(*back, c);
  }
  for (auto t : {RegistrationTier::none, RegistrationTier::tier1, RegistrationTier::tier2, RegistrationTier::tier3,
                 RegistrationTier::registrable, RegistrationTier::conditional, RegistrationTier::not_applicable}) {
    auto back = parse_registration_tier(to_string(t));
    ASSERT_TRUE(back) << to_string(t);
    EXPECT_EQ(*back, t);
  }
  EXPECT_STREQ(to_string(RegistrationTier::tier3), "T3");
  EXPECT_STREQ(to_string(StatuteClass::felony_serious), "felony_serious");
  EXPECT_STREQ(to_string(RegistrationDuty::conditional), "conditional");
  auto bad = parse_statute_class("Felony");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad.error().fields.at(0).field, "class");
  EXPECT_FALSE(parse_registration_tier("t3"));
}

}  // namespace
}  // namespace heat
