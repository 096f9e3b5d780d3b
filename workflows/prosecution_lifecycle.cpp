// The prosecution lifecycle as a Boost.MSM machine: three orthogonal regions (stage, custody,
// warrant) whose transition table below is the rule book (DESIGN.md, "The prosecution
// lifecycle"). MSM stays inside this file; prosecution_lifecycle.hpp is the plain interface.
//
// How an event is applied to a snapshot (fire_on): a fresh machine is built around a working
// copy of the snapshot; its three regions are loaded with the snapshot's states through the
// back-end's serialize hook (workflows/state_loader.hpp: MSM has no other public setter for the active
// states, and the alternative, anonymous "restore" rows from a pseudo-initial state, roughly
// doubled this file's Debug compile time and memory); the event is processed once. Guards read
// and actions write the working copy, and each state's on_entry writes its region's value back
// into it. A refused event is reported by process_event's result and becomes an error value.
// The machine is pure (no I/O, no clock). Machines are cheap and never shared, so the functions
// here are thread-safe.

// Boost 1.81's MSM with more than 20 rows needs larger MPL sequences, configured before any
// Boost header (DESIGN.md, "Known traps"). MPL accepts multiples of 10 up to 50.
#define BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#define BOOST_MPL_LIMIT_VECTOR_SIZE 50
#define BOOST_MPL_LIMIT_MAP_SIZE 50

#include "workflows/prosecution_lifecycle.hpp"
#include "workflows/state_loader.hpp"

#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

namespace heat::lifecycle {
namespace {

namespace mpl = boost::mpl;
namespace msmb = boost::msm::back;
namespace msmf = boost::msm::front;
using msmf::none;
using msmf::Row;

// ---------------------------------------------------------------------------------------------
// Events. Each is named exactly as on the wire (API.md); the data they carry stays in the
// LifecycleEvent that the machine's Work points at.
namespace ev {
struct file_complaint {};
struct indict {};
struct decline {};
struct reopen {};
struct arraign {};
struct hold_to_answer {};
struct discharge {};
struct arraign_on_information {};
struct start_trial {};
struct verdict_guilty {};
struct verdict_not_guilty {};
struct mistrial {};
struct plead_guilty {};
struct dismiss {};
struct refile {};
struct sentence {};
struct book {};
struct release {};
struct issue_warrant {};
struct clear_warrant {};
struct waive_time {};
struct withdraw_time_waiver {};
struct set_trial_date {};
}  // namespace ev

// What one application works on: a copy of the snapshot and the event's data.
struct Work {
  ProsecutionSnapshot snap;
  const LifecycleEvent* event = nullptr;
};

std::chrono::sys_days decision_date(const LifecycleEvent& e) {
  return e.court_date ? *e.court_date : std::chrono::floor<std::chrono::days>(e.occurred_at);
}

// The counts an event covers: the listed ids, or every count whose disposition is `from` when
// none is listed. nullopt when a listed count's disposition is not `from`. (apply() has already
// rejected unknown ids and removed duplicates.)
std::optional<std::vector<std::size_t>> covered(const Work& w, Disposition from) {
  const auto& charges = w.snap.charges;
  std::vector<std::size_t> out;
  if (w.event->charge_ids.empty()) {
    for (std::size_t i = 0; i < charges.size(); ++i) {
      if (charges[i].disposition == from) out.push_back(i);
    }
    return out;
  }
  for (const auto& id : w.event->charge_ids) {
    auto it = std::find_if(charges.begin(), charges.end(), [&](const Charge& c) { return c.id == id; });
    if (it == charges.end() || it->disposition != from) return std::nullopt;
    out.push_back(static_cast<std::size_t>(it - charges.begin()));
  }
  return out;
}

std::size_t pending_count(const Work& w) {
  return static_cast<std::size_t>(std::count_if(w.snap.charges.begin(), w.snap.charges.end(),
                                                [](const Charge& c) { return c.disposition == Disposition::pending; }));
}

// Sets the covered pending counts' disposition, stamped with the event's court date.
void decide(Work& w, Disposition to) {
  auto counts = covered(w, Disposition::pending);
  if (!counts) return;  // the guard has checked it
  for (std::size_t i : *counts) {
    w.snap.charges[i].disposition = to;
    w.snap.charges[i].disposition_date = decision_date(*w.event);
  }
}

// ---------------------------------------------------------------------------------------------
// States. Each writes its region's value into the working snapshot on entry.
template <Stage S>
struct StageState : msmf::state<> {
  template <class Event, class Fsm>
  void on_entry(const Event&, Fsm& fsm) {
    fsm.work_->snap.stage = S;
  }
};
struct Referred : StageState<Stage::referred> {};
struct Declined : StageState<Stage::declined> {};
struct Charged : StageState<Stage::charged> {};
struct Arraigned : StageState<Stage::arraigned> {};
struct HeldToAnswer : StageState<Stage::held_to_answer> {};
struct Pretrial : StageState<Stage::pretrial> {};
struct Trial : StageState<Stage::trial> {};
struct Convicted : StageState<Stage::convicted> {};
struct Acquitted : StageState<Stage::acquitted> {};
struct Dismissed : StageState<Stage::dismissed> {};
struct Sentenced : StageState<Stage::sentenced> {};

template <Custody C>
struct CustodyState : msmf::state<> {
  template <class Event, class Fsm>
  void on_entry(const Event&, Fsm& fsm) {
    fsm.work_->snap.custody = C;
  }
};
struct OutOfCustody : CustodyState<Custody::out> {};
struct InCustody : CustodyState<Custody::in> {};

template <Warrant W>
struct WarrantState : msmf::state<> {
  template <class Event, class Fsm>
  void on_entry(const Event&, Fsm& fsm) {
    fsm.work_->snap.warrant = W;
  }
};
struct NoWarrant : WarrantState<Warrant::none> {};
struct WarrantOutstanding : WarrantState<Warrant::outstanding> {};

// ---------------------------------------------------------------------------------------------
// Guards. Functors over the working snapshot and the event's data.
template <class Pred>
struct Guard {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    return Pred{}(*fsm.work_);
  }
};

// A pending count exists and the prosecution was charged by complaint / by indictment.
struct OnComplaint : Guard<OnComplaint> {
  bool operator()(const Work& w) const { return w.snap.has_pending_charge() && !w.snap.indicted; }
  using Guard::operator();
};
struct OnIndictment : Guard<OnIndictment> {
  bool operator()(const Work& w) const { return w.snap.has_pending_charge() && w.snap.indicted; }
  using Guard::operator();
};
struct HasPending : Guard<HasPending> {
  bool operator()(const Work& w) const { return w.snap.has_pending_charge(); }
  using Guard::operator();
};
// The event covers at least one count, and every covered count is pending.
struct CoversPending : Guard<CoversPending> {
  bool operator()(const Work& w) const {
    auto c = covered(w, Disposition::pending);
    return c && !c->empty();
  }
  using Guard::operator();
};
// As CoversPending, and some pending count remains after it (a partial decision).
struct LeavesPending : Guard<LeavesPending> {
  bool operator()(const Work& w) const {
    auto c = covered(w, Disposition::pending);
    return c && !c->empty() && c->size() < pending_count(w);
  }
  using Guard::operator();
};
// As CoversPending, and no pending count remains after it.
struct DecidesLast : Guard<DecidesLast> {
  bool operator()(const Work& w) const {
    auto c = covered(w, Disposition::pending);
    return c && !c->empty() && c->size() == pending_count(w);
  }
  using Guard::operator();
};
// No pending count remains after the dismissal (true for a prosecution without counts).
struct DismissesLast : Guard<DismissesLast> {
  bool operator()(const Work& w) const {
    auto c = covered(w, Disposition::pending);
    return c && c->size() == pending_count(w);
  }
  using Guard::operator();
};
// Every listed count is dismissed (none listed: every dismissed count, possibly none).
struct CoversDismissed : Guard<CoversDismissed> {
  bool operator()(const Work& w) const { return covered(w, Disposition::dismissed).has_value(); }
  using Guard::operator();
};
// Some count is convicted, and every per-count sentence names a convicted count.
struct CanSentence : Guard<CanSentence> {
  bool operator()(const Work& w) const {
    if (!w.snap.has_conviction()) return false;
    return std::all_of(w.event->sentences.begin(), w.event->sentences.end(), [&](const auto& kv) {
      const Charge* c = w.snap.find_charge(kv.first);
      return c && is_conviction(c->disposition);
    });
  }
  using Guard::operator();
};
struct TimeWaived : Guard<TimeWaived> {
  bool operator()(const Work& w) const { return w.snap.time_waived; }
  using Guard::operator();
};
struct TimeNotWaived : Guard<TimeNotWaived> {
  bool operator()(const Work& w) const { return !w.snap.time_waived; }
  using Guard::operator();
};
// The stage is not closed (is_closed): a booking or a new warrant needs a live proceeding.
struct CaseOpen : Guard<CaseOpen> {
  bool operator()(const Work& w) const { return !is_closed(w.snap.stage); }
  using Guard::operator();
};

// ---------------------------------------------------------------------------------------------
// Actions. Run between the source's exit and the target's entry.
template <class Do>
struct Action {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    Do{}(*fsm.work_);
  }
};

struct FileComplaint : Action<FileComplaint> {
  void operator()(Work& w) const { w.snap.indicted = false; }
  using Action::operator();
};
struct Indict : Action<Indict> {
  void operator()(Work& w) const { w.snap.indicted = true; }
  using Action::operator();
};
struct Convict : Action<Convict> {
  void operator()(Work& w) const {
    decide(w, w.event->lesser_offense ? Disposition::convicted_lesser : Disposition::convicted);
  }
  using Action::operator();
};
struct Acquit : Action<Acquit> {
  void operator()(Work& w) const { decide(w, Disposition::acquitted); }
  using Action::operator();
};
struct Dismiss : Action<Dismiss> {
  void operator()(Work& w) const { decide(w, Disposition::dismissed); }
  using Action::operator();
};
// A discharge at the preliminary hearing dismisses every pending count.
struct Discharge : Action<Discharge> {
  void operator()(Work& w) const {
    for (auto& c : w.snap.charges) {
      if (c.disposition != Disposition::pending) continue;
      c.disposition = Disposition::dismissed;
      c.disposition_date = decision_date(*w.event);
    }
  }
  using Action::operator();
};
// A refiling is a new complaint: the covered dismissed counts are pending again, and the old
// trial date and time waiver no longer apply.
struct Refile : Action<Refile> {
  void operator()(Work& w) const {
    auto counts = covered(w, Disposition::dismissed);
    if (!counts) return;  // the guard has checked it
    for (std::size_t i : *counts) {
      w.snap.charges[i].disposition = Disposition::pending;
      w.snap.charges[i].disposition_date.reset();
    }
    w.snap.indicted = false;
    w.snap.trial_date.reset();
    w.snap.time_waived = false;
  }
  using Action::operator();
};
struct RecordSentences : Action<RecordSentences> {
  void operator()(Work& w) const {
    for (auto& c : w.snap.charges) {
      auto it = w.event->sentences.find(c.id);
      if (it != w.event->sentences.end()) c.sentence = it->second;
    }
  }
  using Action::operator();
};
// A mistrial vacates the trial date; a new one is set in Pretrial.
struct ClearTrialDate : Action<ClearTrialDate> {
  void operator()(Work& w) const { w.snap.trial_date.reset(); }
  using Action::operator();
};
struct SetTrialDate : Action<SetTrialDate> {
  void operator()(Work& w) const { w.snap.trial_date = w.event->trial_date; }
  using Action::operator();
};
struct WaiveTime : Action<WaiveTime> {
  void operator()(Work& w) const { w.snap.time_waived = true; }
  using Action::operator();
};
struct WithdrawWaiver : Action<WithdrawWaiver> {
  void operator()(Work& w) const { w.snap.time_waived = false; }
  using Action::operator();
};
struct RecordNextAppearance : Action<RecordNextAppearance> {
  void operator()(Work& w) const { w.snap.next_appearance = w.event->next_appearance; }
  using Action::operator();
};

// ---------------------------------------------------------------------------------------------
// The machine.
struct LifecycleDef : msmf::state_machine_def<LifecycleDef> {
  using no_exception_thrown = int;  // actions do not throw: no try/catch around them
  using no_message_queue = int;     // actions never post events

  Work* work_ = nullptr;  // set before start(); outlives the machine

  using initial_state = mpl::vector<Referred, OutOfCustody, NoWarrant>;  // a new prosecution

  // Next = none: an internal transition (the stage stays; the action runs).
  // clang-format off
  using transition_table = mpl::vector<
      //    Start                Event                        Next                 Action                  Guard
      // --- region 1: stage -------------------------------------------------------------------------------------
      Row < Referred           , ev::decline                , Declined           , none                  , none            >,
      Row < Referred           , ev::file_complaint         , Charged            , FileComplaint         , none            >,
      Row < Referred           , ev::indict                 , Charged            , Indict                , none            >,
      // ------------------------------------------------------------------------------------------------------------
      Row < Declined           , ev::reopen                 , Referred           , none                  , none            >,
      // ------------------------------------------------------------------------------------------------------------
      Row < Charged            , ev::arraign                , Arraigned          , none                  , OnComplaint     >,
      Row < Charged            , ev::arraign                , Pretrial           , none                  , OnIndictment    >,
      Row < Charged            , ev::dismiss                , Dismissed          , Dismiss               , DismissesLast   >,
      Row < Charged            , ev::dismiss                , none               , Dismiss               , LeavesPending   >,
      // ------------------------------------------------------------------------------------------------------------
      Row < Arraigned          , ev::hold_to_answer         , HeldToAnswer       , none                  , HasPending      >,
      Row < Arraigned          , ev::discharge              , Dismissed          , Discharge             , none            >,
      Row < Arraigned          , ev::plead_guilty           , Convicted          , Convict               , CoversPending   >,
      Row < Arraigned          , ev::dismiss                , Dismissed          , Dismiss               , DismissesLast   >,
      Row < Arraigned          , ev::dismiss                , none               , Dismiss               , LeavesPending   >,
      Row < Arraigned          , ev::waive_time             , none               , WaiveTime             , TimeNotWaived   >,
      Row < Arraigned          , ev::withdraw_time_waiver   , none               , WithdrawWaiver        , TimeWaived      >,
      Row < Arraigned          , ev::set_trial_date         , none               , SetTrialDate          , none            >,
      // ------------------------------------------------------------------------------------------------------------
      Row < HeldToAnswer       , ev::arraign_on_information , Pretrial           , none                  , HasPending      >,
      Row < HeldToAnswer       , ev::plead_guilty           , Convicted          , Convict               , CoversPending   >,
      Row < HeldToAnswer       , ev::dismiss                , Dismissed          , Dismiss               , DismissesLast   >,
      Row < HeldToAnswer       , ev::dismiss                , none               , Dismiss               , LeavesPending   >,
      Row < HeldToAnswer       , ev::waive_time             , none               , WaiveTime             , TimeNotWaived   >,
      Row < HeldToAnswer       , ev::withdraw_time_waiver   , none               , WithdrawWaiver        , TimeWaived      >,
      Row < HeldToAnswer       , ev::set_trial_date         , none               , SetTrialDate          , none            >,
      // ------------------------------------------------------------------------------------------------------------
      Row < Pretrial           , ev::start_trial            , Trial              , none                  , HasPending      >,
      Row < Pretrial           , ev::plead_guilty           , Convicted          , Convict               , CoversPending   >,
      Row < Pretrial           , ev::dismiss                , Dismissed          , Dismiss               , DismissesLast   >,
      Row < Pretrial           , ev::dismiss                , none               , Dismiss               , LeavesPending   >,
      Row < Pretrial           , ev::waive_time             , none               , WaiveTime             , TimeNotWaived   >,
      Row < Pretrial           , ev::withdraw_time_waiver   , none               , WithdrawWaiver        , TimeWaived      >,
      Row < Pretrial           , ev::set_trial_date         , none               , SetTrialDate          , none            >,
      // ------------------------------------------------------------------------------------------------------------
      Row < Trial              , ev::verdict_guilty         , Convicted          , Convict               , CoversPending   >,
      Row < Trial              , ev::verdict_not_guilty     , Acquitted          , Acquit                , DecidesLast     >,
      Row < Trial              , ev::verdict_not_guilty     , none               , Acquit                , LeavesPending   >,
      Row < Trial              , ev::mistrial               , Pretrial           , ClearTrialDate        , none            >,
      Row < Trial              , ev::plead_guilty           , Convicted          , Convict               , CoversPending   >,
      Row < Trial              , ev::dismiss                , Dismissed          , Dismiss               , DismissesLast   >,
      Row < Trial              , ev::dismiss                , none               , Dismiss               , LeavesPending   >,
      // ------------------------------------------------------------------------------------------------------------
      Row < Convicted          , ev::sentence               , Sentenced          , RecordSentences       , CanSentence     >,
      Row < Convicted          , ev::dismiss                , none               , Dismiss               , CoversPending   >,
      // ------------------------------------------------------------------------------------------------------------
      Row < Dismissed          , ev::refile                 , Charged            , Refile                , CoversDismissed >,
      // --- region 2: custody -----------------------------------------------------------------------------------
      Row < OutOfCustody       , ev::book                   , InCustody          , none                  , CaseOpen        >,
      Row < InCustody          , ev::release                , OutOfCustody       , none                  , none            >,
      // --- region 3: warrant -----------------------------------------------------------------------------------
      Row < NoWarrant          , ev::issue_warrant          , WarrantOutstanding , none                  , CaseOpen        >,
      Row < WarrantOutstanding , ev::clear_warrant          , NoWarrant          , RecordNextAppearance  , none            >
  >;
  // clang-format on

  // A refused event is reported by process_event's result (HANDLED_FALSE, or
  // HANDLED_GUARD_REJECT when only guards said no); never assert.
  template <class Fsm, class Event>
  void no_transition(const Event&, Fsm&, int) {}
};

using Machine = msmb::state_machine<LifecycleDef>;

// ---------------------------------------------------------------------------------------------
// Event names, the fields each takes, and how to fire it.
enum FieldBits : unsigned {
  kNoFields = 0,
  kCharges = 1U << 0,
  kLesser = 1U << 1,
  kTrialDate = 1U << 2,
  kNextAppearance = 1U << 3,
  kSentences = 1U << 4,
};

struct EventSpec {
  const char* name;
  unsigned fields;
  msmb::HandledEnum (*fire)(Machine&);
};

template <class E>
msmb::HandledEnum fire(Machine& m) {
  return m.process_event(E{});
}

// clang-format off
constexpr EventSpec kEvents[] = {
    {"file_complaint",         kNoFields,           &fire<ev::file_complaint>},
    {"indict",                 kNoFields,           &fire<ev::indict>},
    {"decline",                kNoFields,           &fire<ev::decline>},
    {"reopen",                 kNoFields,           &fire<ev::reopen>},
    {"arraign",                kNoFields,           &fire<ev::arraign>},
    {"hold_to_answer",         kNoFields,           &fire<ev::hold_to_answer>},
    {"discharge",              kNoFields,           &fire<ev::discharge>},
    {"arraign_on_information", kNoFields,           &fire<ev::arraign_on_information>},
    {"start_trial",            kNoFields,           &fire<ev::start_trial>},
    {"verdict_guilty",         kCharges | kLesser,  &fire<ev::verdict_guilty>},
    {"verdict_not_guilty",     kCharges,            &fire<ev::verdict_not_guilty>},
    {"mistrial",               kNoFields,           &fire<ev::mistrial>},
    {"plead_guilty",           kCharges | kLesser,  &fire<ev::plead_guilty>},
    {"dismiss",                kCharges,            &fire<ev::dismiss>},
    {"refile",                 kCharges,            &fire<ev::refile>},
    {"sentence",               kSentences,          &fire<ev::sentence>},
    {"book",                   kNoFields,           &fire<ev::book>},
    {"release",                kNoFields,           &fire<ev::release>},
    {"issue_warrant",          kNoFields,           &fire<ev::issue_warrant>},
    {"clear_warrant",          kNextAppearance,     &fire<ev::clear_warrant>},
    {"waive_time",             kNoFields,           &fire<ev::waive_time>},
    {"withdraw_time_waiver",   kNoFields,           &fire<ev::withdraw_time_waiver>},
    {"set_trial_date",         kTrialDate,          &fire<ev::set_trial_date>},
};
// clang-format on

const EventSpec* find_spec(std::string_view name) {
  for (const auto& spec : kEvents) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

// Shape checks that do not depend on the state: unknown ids, fields the event does not take.
Status validate(const ProsecutionSnapshot& s, const LifecycleEvent& e, const EventSpec& spec) {
  const std::string name = spec.name;
  if (!e.charge_ids.empty()) {
    if (!(spec.fields & kCharges)) return Error::invalid("charges", name + " takes no charges");
    for (const auto& id : e.charge_ids) {
      if (!s.find_charge(id)) return Error::invalid("charges", "unknown charge id: " + id);
    }
  }
  if (e.lesser_offense && !(spec.fields & kLesser)) {
    return Error::invalid("lesser_offense", name + " takes no lesser_offense");
  }
  if (spec.fields & kTrialDate) {
    if (!e.trial_date) return Error::invalid("trial_date", name + " needs a trial_date");
  } else if (e.trial_date) {
    return Error::invalid("trial_date", name + " takes no trial_date");
  }
  if (e.next_appearance && !(spec.fields & kNextAppearance)) {
    return Error::invalid("next_appearance", name + " takes no next_appearance");
  }
  if (!e.sentences.empty()) {
    if (!(spec.fields & kSentences)) return Error::invalid("sentence", name + " takes no sentence");
    for (const auto& kv : e.sentences) {
      if (!s.find_charge(kv.first)) return Error::invalid("sentence", "unknown charge id: " + kv.first);
    }
  }
  return {};
}

// Why an event that the state allows was refused with these fields (the guard's reason).
std::string explain_refusal(const ProsecutionSnapshot& s, const LifecycleEvent& e) {
  const Disposition wanted = e.name == "refile" ? Disposition::dismissed : Disposition::pending;
  for (const auto& id : e.charge_ids) {
    const Charge* c = s.find_charge(id);
    if (c && c->disposition != wanted) {
      return "charge " + id + " is " + to_string(c->disposition) + ", not " + to_string(wanted);
    }
  }
  for (const auto& kv : e.sentences) {
    const Charge* c = s.find_charge(kv.first);
    if (c && !is_conviction(c->disposition)) {
      return "charge " + kv.first + " is " + to_string(c->disposition) + ": only a conviction is sentenced";
    }
  }
  return e.name + " is not allowed with these fields";
}

struct Fired {
  bool accepted = false;
  ProsecutionSnapshot after;
};

// Loads a machine's active states. The back-end's serialize(archive) hands an archive its
// active-state ids (an int per region) and then fields this file does not use; this "archive"
// writes the ids and leaves everything else as constructed. (MSM offers no other public setter
// for the active states; start() would enter the initial states instead.)
static_assert(Machine::nr_regions::value == 3, "the snapshot loads exactly three regions");

template <class State>
constexpr int kStateId = msmb::get_state_id<Machine::stt, State>::value;

// The machine's state ids for the snapshot's stage, custody and warrant (region order);
// nullopt for a value outside its enum.
std::optional<std::array<int, 3>> active_state_ids(const ProsecutionSnapshot& s) {
  std::array<int, 3> ids{};
  switch (s.stage) {
    case Stage::referred: ids[0] = kStateId<Referred>; break;
    case Stage::declined: ids[0] = kStateId<Declined>; break;
    case Stage::charged: ids[0] = kStateId<Charged>; break;
    case Stage::arraigned: ids[0] = kStateId<Arraigned>; break;
    case Stage::held_to_answer: ids[0] = kStateId<HeldToAnswer>; break;
    case Stage::pretrial: ids[0] = kStateId<Pretrial>; break;
    case Stage::trial: ids[0] = kStateId<Trial>; break;
    case Stage::convicted: ids[0] = kStateId<Convicted>; break;
    case Stage::acquitted: ids[0] = kStateId<Acquitted>; break;
    case Stage::dismissed: ids[0] = kStateId<Dismissed>; break;
    case Stage::sentenced: ids[0] = kStateId<Sentenced>; break;
    default: return std::nullopt;
  }
  switch (s.custody) {
    case Custody::out: ids[1] = kStateId<OutOfCustody>; break;
    case Custody::in: ids[1] = kStateId<InCustody>; break;
    default: return std::nullopt;
  }
  switch (s.warrant) {
    case Warrant::none: ids[2] = kStateId<NoWarrant>; break;
    case Warrant::outstanding: ids[2] = kStateId<WarrantOutstanding>; break;
    default: return std::nullopt;
  }
  return ids;
}

// Puts a machine in the snapshot's state, processes one event and reads the snapshot back.
Result<Fired> fire_on(const ProsecutionSnapshot& s, const LifecycleEvent& e, const EventSpec& spec) {
  const auto ids = active_state_ids(s);
  if (!ids) return Error::of(ErrorCode::internal, "snapshot holds a state the lifecycle does not know");
  Work work{s, &e};
  Machine machine;
  machine.work_ = &work;
  if (!workflows::load_states<3>(machine, *ids)) {
    return Error::of(ErrorCode::internal, "the lifecycle machine did not take the snapshot's states");
  }
  const msmb::HandledEnum handled = spec.fire(machine);
  Fired out;
  out.accepted = (handled & msmb::HANDLED_TRUE) != 0;
  if (out.accepted) out.after = std::move(work.snap);
  return out;
}

std::vector<std::string> allowed_now(const ProsecutionSnapshot& s) {
  std::vector<std::string> out;
  for (const auto& spec : kEvents) {
    LifecycleEvent probe;
    probe.name = spec.name;
    if (spec.fields & kTrialDate) probe.trial_date = s.trial_date.value_or(std::chrono::sys_days{});
    auto fired = fire_on(s, probe, spec);
    if (fired && fired->accepted) out.emplace_back(spec.name);
  }
  return out;
}

}  // namespace

const std::vector<std::string>& event_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& spec : kEvents) out.emplace_back(spec.name);
    return out;
  }();
  return names;
}

std::vector<std::string> allowed_events(const ProsecutionSnapshot& s) { return allowed_now(s); }

Result<Transition> apply(const ProsecutionSnapshot& s, const LifecycleEvent& e) {
  const EventSpec* spec = find_spec(e.name);
  if (!spec) return Error::invalid("event", "unknown event: \"" + e.name + "\"");
  if (auto ok = validate(s, e, *spec); !ok) return ok.error();

  LifecycleEvent event = e;  // listing a count twice covers it once
  std::vector<std::string> seen;
  for (auto& id : event.charge_ids) {
    if (std::find(seen.begin(), seen.end(), id) == seen.end()) seen.push_back(std::move(id));
  }
  event.charge_ids = std::move(seen);

  auto fired = fire_on(s, event, *spec);
  if (!fired) return fired.error();
  if (!fired->accepted) {
    auto allowed = allowed_now(s);
    if (std::find(allowed.begin(), allowed.end(), e.name) != allowed.end()) {
      return Error::of(ErrorCode::domain_rule, explain_refusal(s, event));
    }
    Error err{ErrorCode::conflict,
              e.name + " is not allowed in stage " + to_string(s.stage) + " (custody " + to_string(s.custody) +
                  ", warrant " + to_string(s.warrant) + ")",
              {},
              std::move(allowed)};
    return err;
  }

  Transition t;
  t.event = e.name;
  t.from = s.stage;
  t.to = fired->after.stage;
  for (std::size_t i = 0; i < s.charges.size(); ++i) {
    if (s.charges[i].disposition != fired->after.charges[i].disposition) t.changed_charges.push_back(s.charges[i].id);
  }
  t.snapshot = std::move(fired->after);
  return t;
}

Result<ProsecutionSnapshot> replay(ProsecutionSnapshot initial, const std::vector<LifecycleEvent>& events) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto t = apply(initial, events[i]);
    if (!t) {
      Error err = t.error();
      err.message = "event " + std::to_string(i) + " (" + events[i].name + "): " + err.message;
      return err;
    }
    initial = std::move(t->snapshot);
  }
  return initial;
}

}  // namespace heat::lifecycle
