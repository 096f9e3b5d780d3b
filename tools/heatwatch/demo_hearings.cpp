#include "tools/heatwatch/demo_hearings.hpp"

#include "adapters/feed_import.hpp"

#include <array>
#include <cstdio>

namespace heat::cli {
namespace {

struct Slot {
  const char* type;
  int hour;
  int minute;
};
constexpr std::array kSlots{Slot{"Preliminary Hearing", 8, 30}, Slot{"Readiness Conference", 9, 0},
                            Slot{"Motion to Suppress", 13, 30},  Slot{"Jury Trial", 8, 30},
                            Slot{"Judgment and Sentencing", 13, 30}, Slot{"Arraignment", 8, 30},
                            Slot{"Restitution Hearing", 10, 0}};

// "20260316T083000": a court-local wall time `days` after today.
std::string local_stamp(TimePoint now, int days, int hour, int minute) {
  const auto day = CourtCalendar::local_date(now + std::chrono::days(days)).value();
  const std::chrono::year_month_day ymd(day);
  char out[32];
  std::snprintf(out, sizeof out, "%04d%02u%02uT%02d%02d00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hour, minute);
  return out;
}

// The demo court's calendar; `next_day` is the following day's export.
std::string calendar(const std::vector<DemoCase>& cases, TimePoint now, bool next_day) {
  std::string ics =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//HEAT Watch demo//Superior Court Dept. 12 export//EN\r\n"
      "METHOD:PUBLISH\r\nX-WR-CALNAME:Demo Superior Court - Dept. 12\r\nX-WR-TIMEZONE:America/Los_Angeles\r\n";
  const std::size_t n = std::min<std::size_t>(cases.size(), 12);
  for (std::size_t i = 0; i < n; ++i) {
    const Slot& slot = kSlots[i % kSlots.size()];
    int in_days = 3 + static_cast<int>(i) * 4;
    int sequence = 0;
    std::string status;
    if (next_day && i == 0) {  // continued two weeks
      in_days += 14;
      sequence = 1;
    }
    if (next_day && i == 1) {  // vacated
      status = "STATUS:CANCELLED\r\nCOMMENT:Vacated on the court's own motion\r\n";
      sequence = 1;
    }
    ics += "BEGIN:VEVENT\r\nUID:demo-hrg-" + std::to_string(1000 + i) + "@courts.example\r\nSEQUENCE:" +
           std::to_string(sequence) + "\r\nDTSTART;TZID=America/Los_Angeles:" +
           local_stamp(now, in_days, slot.hour, slot.minute) + "\r\nSUMMARY:" + slot.type +
           "\r\nLOCATION:Dept. 12\r\nX-COURT-DOCKET:" + cases[i].docket + "\r\nX-COURT-HEARING-TYPE:" + slot.type +
           "\r\nX-COURT-JUDGE:Hon. R. Okonkwo\r\n" + status + "END:VEVENT\r\n";
  }
  // A docket the unit has no case for yet: it waits in the unmatched queue.
  ics += "BEGIN:VEVENT\r\nUID:demo-hrg-9999@courts.example\r\nDTSTART;TZID=America/Los_Angeles:" +
         local_stamp(now, 9, 8, 30) +
         "\r\nSUMMARY:Arraignment\r\nLOCATION:Dept. 12\r\nX-COURT-DOCKET:26-CR-099999\r\n"
         "X-COURT-HEARING-TYPE:Arraignment\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  return ics;
}

}  // namespace

Result<int> load_demo_hearings(CourtEventStore& store, const std::vector<DemoCase>& cases, const std::string& unit,
                               TimePoint now, const AuditEntry& audit) {
  auto existing = store.find_feed("Demo Superior Court (Dept. 12)");
  if (!existing) return existing.error();
  Feed feed;
  if (*existing) {
    feed = **existing;
  } else {
    NewFeed nf;
    nf.name = "Demo Superior Court (Dept. 12)";
    nf.kind = FeedKind::ical;
    nf.unit = unit;
    AuditEntry a = audit;
    a.action = "feed.create";
    auto made = store.create_feed(nf, a, nullptr);
    if (!made) return made.error();
    feed = *made;
  }
  adapters::FeedImporter importer(store);
  adapters::ImportOptions options;
  options.origin = ImportOrigin::cli;
  AuditEntry a = audit;
  a.action = "feed.import";
  // Yesterday's calendar, then today's.
  AuditEntry yesterday = a;
  yesterday.at = now - std::chrono::days(1);
  auto first = importer.import_file(feed, calendar(cases, now - std::chrono::days(1), false), options, yesterday);
  if (!first) return first.error();
  auto second = importer.import_file(feed, calendar(cases, now - std::chrono::days(1), true), options, a);
  if (!second) return second.error();
  int created = first->created + second->created;
  // One hearing entered by hand.
  if (cases.size() > 12) {
    NewCourtEvent e;
    e.case_id = cases[12].id;
    e.kind = CourtEventKind::readiness;
    e.starts_at = now + std::chrono::days(10);
    e.department = "Dept. 12";
    AuditEntry m = audit;
    m.action = "court_event.create";
    auto made = store.create_manual(e, [](const RecordContext&) -> Status { return {}; }, m, nullptr);
    if (!made) return made.error();
    ++created;
  }
  return created;
}

}  // namespace heat::cli
