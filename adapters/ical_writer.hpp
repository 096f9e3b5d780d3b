// The exported calendar (issue 7, export): an RFC 5545 iCalendar stream of a subscriber's
// hearings, written by hand (libical would serialize the same lines but cannot be told to
// fold by octets without splitting UTF-8, and its VTIMEZONEs come from its own zone files,
// not the system tz database the rest of the engine counts on).
//
// What a VEVENT carries, and why no more: a subscribed calendar leaves the office — it sits
// in Outlook or Google, on phones, in sync caches and in notification previews. So it holds
// only what the court itself publishes on its public calendar: the hearing's kind, its
// department, its time and status, and the case's DA number and court docket. Never the
// case title (titles name people: "People v. <defendant>"), no victim name or pseudonym
// (PC 293(a)-(e), PC 293.5 and Marsy's Law, CONST art. I §28(b)(4)-(5): a trafficking or
// sex-offense victim's identity stays out of public records; even a pseudonym ties a
// person to a docket), no defendant name, date of birth or custody status, no judge, no
// notes or work product. Whoever holds the URL sees exactly that and nothing else.
//
// Pure: no I/O, no clock (now is an argument). Output: CRLF line endings, lines folded at
// 75 octets without splitting a UTF-8 sequence, TEXT values escaped, a VTIMEZONE for the one
// TZID used, generated from the system tz database (date/tz).
#pragma once

#include "engine/calendar_subscriptions.hpp"
#include "engine/clock.hpp"
#include "engine/result.hpp"

#include <date/tz.h>

#include <chrono>
#include <span>
#include <string>
#include <string_view>

namespace heat::adapters {

struct IcalWriterOptions {
  std::string prodid = "-//HEAT Watch//Case Engine//EN";
  std::string calendar_name = "HEAT Watch hearings";
  std::string tzid = "America/Los_Angeles";  // the court's zone (API.md)
  // A hearing without an end time is shown this long (the court states only the start;
  // a zero-length event is drawn as a line clients easily overlook).
  std::chrono::minutes default_duration{60};
  std::string uid_domain = "heatwatch";  // UID = "<hearing id>@<uid_domain>"
  // How often subscribed clients should poll (REFRESH-INTERVAL, X-PUBLISHED-TTL).
  std::chrono::minutes refresh_interval{60};
};

// The calendar of these hearings: VCALENDAR (PRODID, VERSION:2.0, CALSCALE:GREGORIAN,
// METHOD:PUBLISH), a VTIMEZONE for options.tzid and one VEVENT per hearing, ordered by start
// then id so that the same hearings always give the same bytes (the route's ETag). A
// cancelled hearing is written with STATUS:CANCELLED until kCancelledHearingRetention after
// its cancellation and left out after that. DTSTAMP and LAST-MODIFIED are the hearing's last
// change, not `now`, for the same reason. Errors: invalid_argument for an unknown tzid.
[[nodiscard]] Result<std::string> write_calendar(std::span<const CalendarHearing> hearings, TimePoint now,
                                                 const IcalWriterOptions& options = {});

// Whether a hearing is still written at `now` (not cancelled longer ago than the retention).
[[nodiscard]] bool exported_at(const CalendarHearing& hearing, TimePoint now);

// The SUMMARY text (before escaping): "Preliminary hearing: DA <number>, docket <docket>".
[[nodiscard]] std::string hearing_summary(const CalendarHearing& hearing);

// --- RFC 5545 building blocks, public for tests -------------------------------------------

// TEXT escaping (3.3.11): backslash, semicolon and comma get a backslash, line breaks (CRLF,
// LF or CR) become "\n"; other control characters are dropped and invalid UTF-8 becomes
// U+FFFD, so every output is valid UTF-8 without CTLs.
[[nodiscard]] std::string escape_text(std::string_view text);

// One content line (without line break) folded (3.1): physical lines of at most 75 octets,
// each ending in CRLF, continuation lines starting with one space; never splits a UTF-8
// sequence. Precondition: valid UTF-8 (escape_text's output, ASCII names).
[[nodiscard]] std::string fold_line(std::string_view line);

// A VTIMEZONE for `zone` valid for instants in [from, to] (with a year of margin on each
// side): STANDARD/DAYLIGHT sub-components from the zone's transitions in the tz database,
// as yearly RRULEs where the transitions follow one (US and EU rules do), else as dated
// onsets. Lines are folded and CRLF-terminated.
[[nodiscard]] std::string vtimezone(const date::time_zone& zone, std::string_view tzid, TimePoint from,
                                    TimePoint to);

}  // namespace heat::adapters
