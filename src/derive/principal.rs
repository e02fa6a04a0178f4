//! The decisions of each principal, and the edges they open (stage 1 of [`super::derive`]).
//!
//! Everything here is keyed by the principal it decides for: its policies in force, its
//! candidates and their decisions, the technique and assume edges that leave it, whether it
//! is an administrator and whether it can make itself one. Nothing reads another principal's
//! decisions, and the account-wide facts (SCP levels, the account's own administrator test)
//! are read only for the principal's account and come out the same from any of its
//! principals, so the program runs over a shard of principals ([`super::shard`]) and gives
//! the same tuples as over the whole organisation.

use super::{special, CREATE_ROLE_TECH};
use crate::compile::universe::{Id, ANY};
use crate::compile::{gain, Acct, CheckId, Compiled, Facts, Level, Pol, Stmt, Tech};
use crepe::crepe;

/// [`CheckKind`] of a check other than `iam:PassRole`.
const OTHER_CHECK: u8 = 0;
/// [`CheckKind`] of `iam:PassRole` on every service alike ([`crate::compile::pass_role`]).
const EVERY_SERVICE: u8 = 1;
/// [`CheckKind`] of `iam:PassRole` to one service.
const ONE_SERVICE: u8 = 2;

/// Is a check of `kind` decided for a principal whose statements tell `iam:PassRole`'s
/// services `apart` (or not)? Every other check is.
fn asked(kind: u8, apart: bool) -> bool {
    match kind {
        EVERY_SERVICE => !apart,
        ONE_SERVICE => apart,
        _ => true,
    }
}

crepe! {
    @input
    pub struct Principal(Id, Acct);
    @input
    pub struct User(Id);
    @input
    pub struct Member(Id, Id);
    @input
    pub struct Attached(Id, Pol);
    @input
    pub struct Boundary(Id, Pol);
    @input
    pub struct Statement(Pol, Stmt);
    @input
    pub struct Allows(Stmt);
    @input
    pub struct Applies(Stmt, CheckId, Id, bool);
    @input
    pub struct On(Stmt, Id, Id, bool);
    @input
    pub struct HolderOf(Stmt, Id, Id);
    @input
    pub struct Within(Id, Id);
    @input
    pub struct Contains(Id, Id);
    @input
    pub struct InClass(Id, Id);
    @input
    pub struct CheckClass(CheckId, Acct, Id);
    @input
    pub struct CrossAccount(CheckId);
    @input
    pub struct WorldClass(CheckId, Id);
    @input
    pub struct ScpLevel(Acct, Level);
    @input
    pub struct LevelPolicy(Level, Pol);
    @input
    pub struct ScpExempt(Id);
    @input
    pub struct Role(Id, Acct);
    @input
    pub struct TrustNamed(Id, Id, bool);
    @input
    pub struct TrustViaAccount(Id, Id, bool);
    @input
    pub struct TrustAccount(Id, Acct, bool);
    @input
    pub struct TrustPublic(Id, bool);
    @input
    pub struct TrustPublicFrom(Id, Acct, bool);
    @input
    pub struct TrustDenied(Id, Id, bool);
    @input
    pub struct RcpBlocked(Id, Acct, bool);
    @input
    pub struct TechCheck(Tech, CheckId);
    @input
    pub struct TechAux(Tech, CheckId);
    @input
    pub struct TechOnAux(Tech);
    @input
    pub struct TargetOk(Tech, Id, bool);
    @input
    pub struct TechGain(Tech, u8);
    @input
    pub struct GroupPolicy(Id, Pol);
    @input
    pub struct PolicyDocument(Id, Pol);
    @input
    pub struct Special(CheckId, u8);
    @input
    pub struct Mode(bool);
    @input
    pub struct IsAnyScope(Id);
    @input
    pub struct IsAux(CheckId);
    @input
    pub struct Excluded(Id, Id);
    @input
    pub struct CheckKind(CheckId, u8);
    @input
    pub struct PerService(Id, bool);

    // ---- §5 "Policies in force": a principal's own policies, and a user's groups' (§8).
    struct InForce(Id, Pol);
    InForce(p, pol) <- Principal(p, _), Attached(p, pol);
    InForce(u, pol) <- Member(u, g), Attached(g, pol);

    // ---- §5 step 5: identity statements that apply to the principal, by effect and scope.
    // A statement held by everyone is stored once (ANY); one decided per principal, per
    // holder class (HolderOf: the holders with the same outcome share one set of Applies and
    // On facts). Each is looked up by its key, never scanned. The grants of statements held by
    // everyone are the same for every holder of their policy: they stay with the policy
    // (PolAllow) and are read through InForce, never copied to each principal; the grants
    // decided per principal are the principal's own (OwnAllow). A principal's identity
    // grants are the union of the two. Only the policies in force for some principal of the
    // shard are read so: the shard also holds its accounts' other groups' policies (a user
    // may join any of them), which only their administrator test reads (GroupFull). Only
    // the checks its holders are decided on are read ([`asked`]).
    struct PolAllow(Pol, CheckId, Id, bool);
    PolAllow(pol, c, x, m) <- InForcePolicy(pol, apart), Statement(pol, s), Allows(s), Applies(s, c, ANY, m), CheckKind(c, f), (asked(f, apart)), On(s, ANY, x, m);
    struct InForcePolicy(Pol, bool);
    InForcePolicy(pol, apart) <- InForce(p, pol), PerService(p, apart);
    struct OwnAllow(Id, CheckId, Id, bool);
    OwnAllow(p, c, x, m) <- InForce(p, pol), Statement(pol, s), Allows(s), HolderOf(s, p, h), Applies(s, c, h, m), PerService(p, apart), CheckKind(c, f), (asked(f, apart)), On(s, h, x, m);
    struct RawDeny(Id, CheckId, Id, bool);
    RawDeny(p, c, x, m) <- InForce(p, pol), Statement(pol, s), !Allows(s), Applies(s, c, ANY, m), PerService(p, apart), CheckKind(c, f), (asked(f, apart)), On(s, ANY, x, m);
    RawDeny(p, c, x, m) <- InForce(p, pol), Statement(pol, s), !Allows(s), HolderOf(s, p, h), Applies(s, c, h, m), PerService(p, apart), CheckKind(c, f), (asked(f, apart)), On(s, h, x, m);

    // ---- §5 step 4: the permissions boundary must allow too; its Denies deny.
    struct Bounded(Id);
    Bounded(p) <- Boundary(p, _);
    struct PbHit(Id, Stmt, CheckId, bool);
    PbHit(p, s, c, m) <- Boundary(p, pol), Statement(pol, s), Applies(s, c, ANY, m), PerService(p, apart), CheckKind(c, f), (asked(f, apart));
    PbHit(p, s, c, m) <- Boundary(p, pol), Statement(pol, s), HolderOf(s, p, h), Applies(s, c, h, m), PerService(p, apart), CheckKind(c, f), (asked(f, apart));
    struct PbAllow(Id, CheckId, Id, bool);
    PbAllow(p, c, x, m) <- PbHit(p, s, c, m), Allows(s), On(s, ANY, x, m);
    PbAllow(p, c, x, m) <- PbHit(p, s, c, m), Allows(s), HolderOf(s, p, h), On(s, h, x, m);
    RawDeny(p, c, x, m) <- PbHit(p, s, c, m), !Allows(s), On(s, ANY, x, m);
    RawDeny(p, c, x, m) <- PbHit(p, s, c, m), !Allows(s), HolderOf(s, p, h), On(s, h, x, m);

    // ---- §5 step 2: every SCP level of the caller's account must allow; any SCP Deny denies.
    struct LevelAllow(Level, Id, CheckId, Id, bool);
    LevelAllow(l, ANY, c, x, m) <- LevelPolicy(l, pol), Statement(pol, s), Allows(s), Applies(s, c, ANY, m), On(s, ANY, x, m);
    LevelAllow(l, p, c, x, m) <- LevelPolicy(l, pol), Statement(pol, s), Allows(s), HolderOf(s, p, h), Applies(s, c, h, m), On(s, h, x, m);
    struct AcctDeny(Acct, CheckId, Id, bool);
    AcctDeny(a, c, x, m) <- ScpLevel(a, l), LevelPolicy(l, pol), Statement(pol, s), !Allows(s), Applies(s, c, ANY, m), On(s, ANY, x, m);
    // An SCP Deny decided per principal: the principal's holder class of each such statement
    // of its account's levels, and what the statement denies that class. Read through the
    // pair, never copied to each principal.
    struct ScpHolder(Id, Stmt, Id);
    ScpHolder(p, s, h) <- Principal(p, a), ScpLevel(a, l), LevelPolicy(l, pol), Statement(pol, s), !Allows(s), HolderOf(s, p, h);
    struct ScpDenyOf(Stmt, Id, CheckId, Id, bool);
    ScpDenyOf(s, h, c, x, m) <- ScpHolder(_, s, h), Applies(s, c, h, m), On(s, h, x, m);

    // ---- Candidates: what each principal's identity policies grant, as classes or targets.
    // Same-account checks (§7: PassRole needs the role in the caller's account; IAM objects
    // of another account have no resource policy, so the caller's Allow cannot reach them).
    // `iam:PassRole` is decided on the check of every service alike, or on each service's,
    // as the principal's statements tell the services apart or not ([`asked`]).
    struct Cand(Id, CheckId, Id, bool);
    Cand(p, c, k, m) <- InForce(p, pol), PolAllow(pol, c, y, m), !IsAux(c), Principal(p, a), CheckClass(c, a, k), Within(k, z), (z == y), CheckKind(c, f), PerService(p, apart), (asked(f, apart));
    Cand(p, c, k, m) <- OwnAllow(p, c, y, m), !IsAux(c), Principal(p, a), CheckClass(c, a, k), Within(k, z), (z == y), CheckKind(c, f), PerService(p, apart), (asked(f, apart));
    // Auxiliary actions are decided only for principals whose policies name a technique
    // that needs them. (`Mode` binds the stance so that `PolAllow` is read through the
    // index the other rules read it by.)
    Cand(p, c, k, m) <- NeedsAux(p, c), InForce(p, pol), Mode(m), PolAllow(pol, c, y, m), Principal(p, a), CheckClass(c, a, k), Within(k, z), (z == y);
    Cand(p, c, k, m) <- NeedsAux(p, c), OwnAllow(p, c, y, m), Principal(p, a), CheckClass(c, a, k), Within(k, z), (z == y);
    @output
    pub struct NeedsAux(Id, CheckId);
    NeedsAux(p, c) <- InForce(p, pol), PolNeedsAux(pol, c);
    NeedsAux(p, c) <- OwnAllow(p, c1, _, _), TechCheck(v, c1), TechAux(v, c);
    NeedsAux(p, c) <- OwnAllow(p, c, _, _), TechOnAux(v), TechCheck(v, c);
    NeedsAux(p, c) <- OwnAllow(p, c, _, _), Special(c, code), (code == special::CREATE_ROLE || code == special::ROLE_POLICY);
    struct PolNeedsAux(Pol, CheckId);
    PolNeedsAux(pol, c) <- PolAllow(pol, c1, _, _), TechCheck(v, c1), TechAux(v, c);
    PolNeedsAux(pol, c) <- PolAllow(pol, c, _, _), TechOnAux(v), TechCheck(v, c);
    PolNeedsAux(pol, c) <- PolAllow(pol, c, _, _), Special(c, code), (code == special::CREATE_ROLE || code == special::ROLE_POLICY);
    Cand(p, c, t, m) <- InForce(p, pol), PolAllow(pol, c, t, m), InClass(t, k), Principal(p, a), CheckClass(c, a, k), CheckKind(c, f), PerService(p, apart), (asked(f, apart));
    Cand(p, c, t, m) <- OwnAllow(p, c, t, m), InClass(t, k), Principal(p, a), CheckClass(c, a, k), CheckKind(c, f), PerService(p, apart), (asked(f, apart));
    // sts:AssumeRole reaches roles of every account (§6). A grant on every role of every
    // account is decided once, on the world class, not once per account.
    Cand(p, c, w, m) <- WorldClass(c, w), Within(w, y), PolAllow(pol, c, y, m), InForce(p, pol);
    Cand(p, c, w, m) <- WorldClass(c, w), Within(w, y), OwnAllow(p, c, y, m);
    Cand(p, c, k, m) <- CrossAccount(c), PolAllow(pol, c, y, m), Contains(y, k), CheckClass(c, _, k), InForce(p, pol);
    Cand(p, c, k, m) <- OwnAllow(p, c, y, m), CrossAccount(c), Contains(y, k), CheckClass(c, _, k);
    Cand(p, c, k, m) <- CrossAccount(c), PolAllow(pol, c, k, m), CheckClass(c, _, k), InForce(p, pol);
    Cand(p, c, k, m) <- OwnAllow(p, c, k, m), CrossAccount(c), CheckClass(c, _, k);
    Cand(p, c, t, m) <- CrossAccount(c), PolAllow(pol, c, t, m), InClass(t, k), CheckClass(c, _, k), InForce(p, pol);
    Cand(p, c, t, m) <- OwnAllow(p, c, t, m), CrossAccount(c), InClass(t, k), CheckClass(c, _, k);
    // §6: a trust naming the caller is decided without an identity Allow.
    Cand(p, c, r, m) <- TrustNamed(r, p, m), Special(c, special::ASSUME);
    Cand(p, c, r, m) <- TrustPublic(r, m), Role(r, a), Principal(p, a), Special(c, special::ASSUME);
    Cand(p, c, r, m) <- TrustPublicFrom(r, a, m), Role(r, a), Principal(p, a), Special(c, special::ASSUME);
    // The administrator test is asked of everyone.
    Cand(p, c, k, m) <- Principal(p, a), Special(c, special::FULL), CheckClass(c, a, k), Mode(m);

    // A class is decided as a whole, for the members no statement of the principal names;
    // the members some statement names are decided one by one.
    struct Mention(Id, CheckId, Id, bool);
    Mention(p, c, t, m) <- Cand(p, c, k, m), RawDeny(p, c, t, m), InClass(t, j), (j == k);
    Mention(p, c, t, m) <- Cand(p, c, k, m), PbAllow(p, c, t, m), InClass(t, j), (j == k);
    Mention(p, c, t, m) <- Cand(p, c, k, m), ScpHolder(p, s, h), ScpDenyOf(s, h, c, t, m), InClass(t, j), (j == k);
    Mention(p, c, t, m) <- Cand(p, c, k, m), Principal(p, a), AcctMention(a, c, t, m), InClass(t, j), (j == k);
    struct AcctMention(Acct, CheckId, Id, bool);
    AcctMention(a, c, t, m) <- ScpLevel(a, l), LevelAllow(l, ANY, c, t, m), InClass(t, _);
    AcctMention(a, c, t, m) <- AcctDeny(a, c, t, m), InClass(t, _);
    Cand(p, c, t, m) <- Mention(p, c, t, m);
    // The classes of the world class a statement names (by a class, a member, or a class but
    // some members) are decided one by one, as are their members.
    Mention(p, c, k, m) <- WorldClass(c, w), Cand(p, c, w, m), RawDeny(p, c, y, m), InAcctClass(y, c, k);
    Mention(p, c, k, m) <- WorldClass(c, w), Cand(p, c, w, m), PbAllow(p, c, y, m), InAcctClass(y, c, k);
    Mention(p, c, k, m) <- WorldClass(c, w), Cand(p, c, w, m), ScpHolder(p, s, h), ScpDenyOf(s, h, c, y, m), InAcctClass(y, c, k);
    Mention(p, c, k, m) <- WorldClass(c, w), Cand(p, c, w, m), ScpAllowOf(p, c, y, m), InAcctClass(y, c, k);
    Mention(p, c, k, m) <- WorldClass(c, w), Cand(p, c, w, m), Principal(p, a), AcctMentionClass(a, c, k, m);
    struct AcctMentionClass(Acct, CheckId, Id, bool);
    AcctMentionClass(a, c, k, m) <- ScpLevel(a, l), LevelAllow(l, ANY, c, y, m), InAcctClass(y, c, k);
    AcctMentionClass(a, c, k, m) <- AcctDeny(a, c, y, m), InAcctClass(y, c, k);
    // The account classes of a world class that a scope lies in, or that a "class but" scope
    // is cut from.
    struct InAcctClass(Id, CheckId, Id);
    InAcctClass(y, c, k) <- WorldClass(c, _), CheckClass(c, _, k), Within(y, k);
    InAcctClass(y, c, k) <- WorldClass(c, _), CheckClass(c, _, k), Contains(y, k);
    // A per-principal SCP Allow that names members: they are decided one by one.
    Mention(p, c, t, m) <- Cand(p, c, k, m), ScpAllowOf(p, c, t, m), InClass(t, j), (j == k);
    // The per-principal SCP Allows of a principal's account's levels.
    struct ScpAllowOf(Id, CheckId, Id, bool);
    ScpAllowOf(p, c, y, m) <- LevelAllow(l, p, c, y, m), (p != ANY), Principal(p, a), ScpLevel(a, l);
    // A NotResource that leaves members of a class out: they are decided one by one.
    Mention(p, c, t, m) <- Cand(p, c, k, m), InForce(p, pol), PolAllow(pol, c, y, m), Excluded(y, t), InClass(t, j), (j == k);
    Mention(p, c, t, m) <- Cand(p, c, k, m), OwnAllow(p, c, y, m), Excluded(y, t), InClass(t, j), (j == k);
    Mention(p, c, t, m) <- Cand(p, c, k, m), RawDeny(p, c, y, m), Excluded(y, t), InClass(t, j), (j == k);
    Mention(p, c, t, m) <- Cand(p, c, k, m), PbAllow(p, c, y, m), Excluded(y, t), InClass(t, j), (j == k);
    Mention(p, c, t, m) <- Cand(p, c, k, m), ScpHolder(p, s, h), ScpDenyOf(s, h, c, y, m), Excluded(y, t), InClass(t, j), (j == k);
    AcctMention(a, c, t, m) <- ScpLevel(a, l), LevelAllow(l, ANY, c, y, m), Excluded(y, t);
    AcctMention(a, c, t, m) <- AcctDeny(a, c, y, m), Excluded(y, t);

    // ---- §5: the decision for each candidate.
    struct Denied(Id, CheckId, Id, bool);
    Denied(p, c, x, m) <- Cand(p, c, x, m), Within(x, y), RawDeny(p, c, y, m);
    Denied(p, c, x, m) <- Cand(p, c, x, m), Principal(p, a), !ScpExempt(p), Within(x, y), AcctDeny(a, c, y, m);
    Denied(p, c, x, m) <- Cand(p, c, x, m), !ScpExempt(p), ScpHolder(p, s, h), ScpDenyOf(s, h, c, y, m), Within(x, z), (z == y);
    struct PbOk(Id, CheckId, Id, bool);
    PbOk(p, c, x, m) <- Cand(p, c, x, m), Bounded(p), Within(x, y), PbAllow(p, c, y, m);
    struct PbMiss(Id, CheckId, Id, bool);
    PbMiss(p, c, x, m) <- Cand(p, c, x, m), Bounded(p), !PbOk(p, c, x, m);
    // A level that allows a check on every resource (FullAWSAccess) allows every candidate;
    // the others are asked candidate by candidate, once per account (CandAcct: the
    // candidates of the account's principals that such a level must be asked about).
    struct CandAcct(Acct, CheckId, Id, bool);
    CandAcct(a, c, x, m) <- Cand(p, c, x, m), Principal(p, a), ScpLevel(a, l), !LevelAll(l, c, m);
    struct LevelAll(Level, CheckId, bool);
    LevelAll(l, c, m) <- LevelAllow(l, ANY, c, y, m), IsAnyScope(y);
    struct LevelOk(Level, CheckId, Id, bool);
    LevelOk(l, c, x, m) <- CandAcct(a, c, x, m), ScpLevel(a, l), !LevelAll(l, c, m), Within(x, y), LevelAllow(l, ANY, c, y, m);
    struct LevelOkFor(Level, Id, CheckId, Id, bool);
    LevelOkFor(l, p, c, x, m) <- Cand(p, c, x, m), Within(x, y), LevelAllow(l, p, c, y, m);
    struct ScpMiss(Id, CheckId, Id, bool);
    ScpMiss(p, c, x, m) <- Cand(p, c, x, m), Principal(p, a), !ScpExempt(p), ScpLevel(a, l), !LevelAll(l, c, m), !LevelOk(l, c, x, m), !LevelOkFor(l, p, c, x, m);
    // A candidate is *guarded* when nothing denies it and its boundary and SCPs allow it:
    // `Cand, !Denied, !PbMiss, !ScpMiss`, asked where it is read, never stored (most
    // candidates are).
    @output
    pub struct Allowed(Id, CheckId, Id, bool);
    // Guarded, and an identity statement allows (read here, not stored per candidate).
    Allowed(p, c, x, m) <- Cand(p, c, x, m), !Denied(p, c, x, m), !PbMiss(p, c, x, m), !ScpMiss(p, c, x, m), OwnAllow(p, c, y, m), Within(x, z), (z == y);
    Allowed(p, c, x, m) <- Cand(p, c, x, m), !Denied(p, c, x, m), !PbMiss(p, c, x, m), !ScpMiss(p, c, x, m), InForce(p, pol), PolAllow(pol, c, y, m), Within(x, z), (z == y);
    @output
    pub struct ClassAllowed(Id, CheckId, Id, bool);
    ClassAllowed(p, c, k, m) <- Allowed(p, c, k, m), CheckClass(c, _, k);
    ClassAllowed(p, c, w, m) <- Allowed(p, c, w, m), WorldClass(c, w);
    @output
    pub struct Except(Id, CheckId, Id, bool);
    Except(p, c, t, m) <- ClassAllowed(p, c, k, m), Mention(p, c, t, m), InClass(t, j), (j == k), !MentionAllowed(p, c, t, m);
    // A class the world class leaves out (its members are then out too).
    Except(p, c, k, m) <- ClassAllowed(p, c, w, m), WorldClass(c, w), Mention(p, c, k, m), CheckClass(c, _, k), !MentionAllowed(p, c, k, m);
    // The members and classes decided one by one that are allowed (few: read whole here).
    struct MentionAllowed(Id, CheckId, Id, bool);
    MentionAllowed(p, c, t, m) <- Allowed(p, c, t, m), Mention(p, c, t, m);

    // ---- §10: techniques. Every auxiliary action must be allowed on some resource.
    struct TechCand(Id, Tech, bool);
    TechCand(p, v, m) <- AllowedCheck(p, c, m), TechCheck(v, c);
    // The checks a principal is allowed on some scope: read once per check, not per scope.
    struct AllowedCheck(Id, CheckId, bool);
    AllowedCheck(p, c, m) <- Allowed(p, c, _, m);
    struct AuxMissing(Id, Tech, bool);
    AuxMissing(p, v, m) <- TechCand(p, v, m), TechAux(v, c), !AuxAllowed(p, c, m);
    // An auxiliary check allowed on its class in the principal's account.
    struct AuxAllowed(Id, CheckId, bool);
    AuxAllowed(p, c, m) <- Allowed(p, c, k, m), AuxCheck(c), Principal(p, a), CheckClass(c, a, k);
    struct AuxCheck(CheckId);
    AuxCheck(c) <- TechAux(_, c);
    struct Ready(Id, Tech, bool);
    Ready(p, v, m) <- TechCand(p, v, m), !AuxMissing(p, v, m);
    @output
    pub struct Edge(Id, Id, Tech, bool);
    Edge(p, t, v, m) <- Ready(p, v, m), TechCheck(v, c), Allowed(p, d, t, n), (d == c && n == m), TargetOk(u, t, l), (u == v && l == m), TechGain(v, g), (p != t || g != gain::ACT);
    @output
    pub struct HubEdge(Id, Tech, Id, bool);
    HubEdge(p, v, k, m) <- Ready(p, v, m), TechCheck(v, c), ClassAllowed(p, d, k, n), (d == c && n == m);

    // ---- §6: sts:AssumeRole.
    // The candidates of sts:AssumeRole (the trusts below are read for each).
    struct AssumeCand(Id, Id, bool);
    AssumeCand(p, r, m) <- Special(c, special::ASSUME), Cand(p, c, r, m);
    struct HasTrustDeny(Id);
    HasTrustDeny(r) <- TrustDenied(r, _, _);
    @output
    pub struct Assumes(Id, Id, bool);
    // Same account: a trust naming the caller suffices with no identity permission (its
    // boundary, the SCPs and any Deny still apply, §5).
    Assumes(p, r, m) <- AssumeCand(p, r, m), TrustNamed(r, p, m), Role(r, a), Principal(p, a), Special(c, special::ASSUME), !Denied(p, c, r, m), !PbMiss(p, c, r, m), !ScpMiss(p, c, r, m), !TrustDenied(r, p, m), !RcpBlocked(r, a, m);
    Assumes(p, r, m) <- AssumeCand(p, r, m), TrustPublic(r, m), Role(r, a), Principal(p, a), Special(c, special::ASSUME), !Denied(p, c, r, m), !PbMiss(p, c, r, m), !ScpMiss(p, c, r, m), !TrustDenied(r, p, m), !RcpBlocked(r, a, m);
    Assumes(p, r, m) <- AssumeCand(p, r, m), TrustPublicFrom(r, a, m), Role(r, a), Principal(p, a), Special(c, special::ASSUME), !Denied(p, c, r, m), !PbMiss(p, c, r, m), !ScpMiss(p, c, r, m), !TrustDenied(r, p, m), !RcpBlocked(r, a, m);
    // Otherwise (another account, or a trust naming only the account): the trust and the
    // caller's own Allow of sts:AssumeRole on the role.
    struct AllowedRole(Id, Id, bool);
    AllowedRole(p, r, m) <- Special(c, special::ASSUME), Allowed(p, c, r, m);
    AllowedRole(p, r, m) <- TrustNamed(r, p, m), InClass(r, k), AssumeHub(p, k, m), Special(c, special::ASSUME), !Except(p, c, r, m);
    AllowedRole(p, r, m) <- TrustViaAccount(r, p, m), InClass(r, k), AssumeHub(p, k, m), Special(c, special::ASSUME), !Except(p, c, r, m);
    AllowedRole(p, r, m) <- AssumeHub(p, k, m), HasTrustDeny(r), InClass(r, j), (j == k), !AssumeExcept(p, r, m);
    AllowedRole(p, r, m) <- TrustNamed(r, p, m), Special(c, special::ASSUME), WorldClass(c, w), AssumeHub(p, w, m), !Except(p, c, r, m), Role(r, b), !AssumeAcctExcept(p, b, m);
    AllowedRole(p, r, m) <- TrustViaAccount(r, p, m), Special(c, special::ASSUME), WorldClass(c, w), AssumeHub(p, w, m), !Except(p, c, r, m), Role(r, b), !AssumeAcctExcept(p, b, m);
    AllowedRole(p, r, m) <- WorldClass(_, w), AssumeHub(p, w, m), HasTrustDeny(r), Role(r, b), !AssumeAcctExcept(p, b, m), !AssumeExcept(p, r, m);
    Assumes(p, r, m) <- AllowedRole(p, r, m), TrustNamed(r, p, m), Principal(p, a), !TrustDenied(r, p, m), !RcpBlocked(r, a, m);
    Assumes(p, r, m) <- AllowedRole(p, r, m), TrustViaAccount(r, p, m), Principal(p, a), !TrustDenied(r, p, m), !RcpBlocked(r, a, m);
    Assumes(p, r, m) <- AllowedRole(p, r, m), Principal(p, a), TrustAccount(r, a, m), !TrustDenied(r, p, m), !RcpBlocked(r, a, m);
    Assumes(p, r, m) <- AllowedRole(p, r, m), Principal(p, a), TrustPublic(r, m), !TrustDenied(r, p, m), !RcpBlocked(r, a, m);
    Assumes(p, r, m) <- AllowedRole(p, r, m), Principal(p, a), TrustPublicFrom(r, a, m), !TrustDenied(r, p, m), !RcpBlocked(r, a, m);
    @output
    pub struct AssumeHub(Id, Id, bool);
    AssumeHub(p, k, m) <- ClassAllowed(p, c, k, m), Special(c, special::ASSUME);

    // ---- What a class grant leaves out, for the walks and the escalation search.
    // Members of a class a principal's hub leaves out (a statement names them).
    @output
    pub struct HubExcept(Id, Tech, Id, bool);
    HubExcept(p, v, t, m) <- HubEdge(p, v, k, m), TechCheck(v, c), Except(p, c, t, m), InClass(t, j), (j == k);
    @output
    pub struct AssumeExcept(Id, Id, bool);
    AssumeExcept(p, r, m) <- AssumeHub(p, k, m), Special(c, special::ASSUME), Except(p, c, r, m), InClass(r, j), (j == k);
    AssumeExcept(p, r, m) <- Special(c, special::ASSUME), WorldClass(c, w), AssumeHub(p, w, m), Except(p, c, r, m), Role(r, _);
    // The accounts whose roles the world class leaves out for a principal.
    @output
    pub struct AssumeAcctExcept(Id, Acct, bool);
    AssumeAcctExcept(p, b, m) <- Special(c, special::ASSUME), Except(p, c, k, m), CheckClass(c, b, k);

    // ---- §10 "admin(q)": allowed * on * after boundary and SCPs.
    @output
    pub struct FullAdmin(Id, bool);
    FullAdmin(p, m) <- Special(c, special::FULL), Allowed(p, c, _, m);
    @output
    pub struct Unbounded(Id, bool);
    Unbounded(p, m) <- Special(c, special::FULL), Cand(p, c, x, m), !Denied(p, c, x, m), !PbMiss(p, c, x, m), !ScpMiss(p, c, x, m);
    struct GroupFull(Id, bool);
    GroupFull(g, m) <- GroupPolicy(g, pol), Statement(pol, s), Allows(s), Applies(s, c, ANY, m), Special(c, special::FULL), On(s, ANY, x, m), IsAnyScope(x);
    // The account's own administrator test: its class, asked of its SCPs alone.
    struct AcctFull(Acct, bool);
    AcctFull(a, m) <- Special(c, special::FULL), HasPrincipal(a), CheckClass(c, a, _), Mode(m), !AcctFullBlocked(a, m);
    struct AcctFullBlocked(Acct, bool);
    AcctFullBlocked(a, m) <- Special(c, special::FULL), CandAcct(a, c, k, m), ScpLevel(a, l), !LevelAll(l, c, m), !LevelOk(l, c, k, m);
    AcctFullBlocked(a, m) <- Special(c, special::FULL), HasPrincipal(a), CheckClass(c, a, k), Mode(m), Within(k, y), AcctDeny(a, c, y, m);
    struct HasPrincipal(Acct);
    HasPrincipal(a) <- Principal(_, a);

    // ---- §10 "+any" to oneself: the principal can give itself any permission.
    struct SelfEmpower(Id, Tech, bool);
    SelfEmpower(p, v, m) <- Edge(p, q, v, m), (p == q), TechGain(v, g), (g == gain::EMPOWER);
    SelfEmpower(p, v, m) <- HubEdge(p, v, k, m), TechGain(v, g), (g == gain::EMPOWER), InClass(p, j), (j == k), TargetOk(u, p, l), (u == v && l == m), !HubExcept(p, v, p, m);
    SelfEmpower(p, v, m) <- Edge(p, x, v, m), TechGain(v, g), (g == gain::EMPOWER_MEMBERS), Member(p, x);
    SelfEmpower(p, v, m) <- HubEdge(p, v, k, m), TechGain(v, g), (g == gain::EMPOWER_MEMBERS), Member(p, x), InClass(x, j), (j == k), TargetOk(u, x, l), (u == v && l == m), !HubExcept(p, v, x, m);
    SelfEmpower(p, v, m) <- Edge(p, x, v, m), TechGain(v, g), (g == gain::EMPOWER_HOLDERS), PolicyDocument(x, pol), InForce(p, pol);
    SelfEmpower(p, v, m) <- HubEdge(p, v, k, m), TechGain(v, g), (g == gain::EMPOWER_HOLDERS), InForce(p, pol), PolicyDocument(x, pol), InClass(x, j), (j == k), TargetOk(u, x, l), (u == v && l == m), !HubExcept(p, v, x, m);
    @output
    pub struct SelfAdmin(Id, Tech, bool);
    SelfAdmin(p, v, m) <- SelfEmpower(p, v, m1), Unbounded(p, m2), let m = (m1 && m2);
    // Row 8: a user joins a group whose policies allow everything.
    SelfAdmin(p, v, m) <- Edge(p, x, v, m1), TechGain(v, g), (g == gain::JOIN), User(p), GroupFull(x, m2), Unbounded(p, m3), let m = (m1 && m2 && m3);
    SelfAdmin(p, v, m) <- HubEdge(p, v, k, m1), TechGain(v, g), (g == gain::JOIN), User(p), InClass(x, j), (j == k), GroupFull(x, m2), !HubExcept(p, v, x, m1), Unbounded(p, m3), let m = (m1 && m2 && m3);
    // Row 11: create a role (trusting oneself) and give it any policy; the new role has no
    // boundary, and its account's SCPs apply.
    SelfAdmin(p, CREATE_ROLE_TECH, m) <- CanCreateRole(p, a, m1), CanGiveRolePolicy(p, m2), AcctFull(a, m3), let m = (m1 && m2 && m3);
    // Each allowed on its class in the principal's account.
    struct CanCreateRole(Id, Acct, bool);
    CanCreateRole(p, a, m) <- Special(c, special::CREATE_ROLE), Allowed(p, c, k, m), Principal(p, a), CheckClass(c, a, k);
    struct CanGiveRolePolicy(Id, bool);
    CanGiveRolePolicy(p, m) <- Special(c, special::ROLE_POLICY), Allowed(p, c, k, m), Principal(p, a), CheckClass(c, a, k);
}

/// What the decisions of a shard's principals derived (unsorted).
#[derive(Debug, Default)]
pub struct Decided {
    pub(super) needs_aux: Vec<(Id, CheckId)>,
    pub(super) allowed: Vec<(Id, CheckId, Id, bool)>,
    pub(super) class_allowed: Vec<(Id, CheckId, Id, bool)>,
    pub(super) excepts: Vec<(Id, CheckId, Id, bool)>,
    pub(super) edges: Vec<(Id, Id, Tech, bool)>,
    pub(super) hub_edges: Vec<(Id, Tech, Id, bool)>,
    pub(super) assumes: Vec<(Id, Id, bool)>,
    pub(super) assume_hubs: Vec<(Id, Id, bool)>,
    pub(super) hub_excepts: Vec<(Id, Tech, Id, bool)>,
    pub(super) assume_excepts: Vec<(Id, Id, bool)>,
    pub(super) assume_acct_excepts: Vec<(Id, Acct, bool)>,
    pub(super) full_admins: Vec<(Id, bool)>,
    pub(super) unbounded: Vec<(Id, bool)>,
    pub(super) self_admins: Vec<(Id, Tech, bool)>,
}

impl Decided {
    /// Adds another shard's tuples (shards decide disjoint principals).
    pub fn append(&mut self, other: Decided) {
        let Decided {
            mut needs_aux,
            mut allowed,
            mut class_allowed,
            mut excepts,
            mut edges,
            mut hub_edges,
            mut assumes,
            mut assume_hubs,
            mut hub_excepts,
            mut assume_excepts,
            mut assume_acct_excepts,
            mut full_admins,
            mut unbounded,
            mut self_admins,
        } = other;
        self.needs_aux.append(&mut needs_aux);
        self.allowed.append(&mut allowed);
        self.class_allowed.append(&mut class_allowed);
        self.excepts.append(&mut excepts);
        self.edges.append(&mut edges);
        self.hub_edges.append(&mut hub_edges);
        self.assumes.append(&mut assumes);
        self.assume_hubs.append(&mut assume_hubs);
        self.hub_excepts.append(&mut hub_excepts);
        self.assume_excepts.append(&mut assume_excepts);
        self.assume_acct_excepts.append(&mut assume_acct_excepts);
        self.full_admins.append(&mut full_admins);
        self.unbounded.append(&mut unbounded);
        self.self_admins.append(&mut self_admins);
    }
}

/// Runs the program over the facts of one shard (or of the whole organisation).
pub fn run(compiled: &Compiled, f: &Facts) -> Decided {
    let mut rt = Crepe::new();
    rt.extend(f.principal.iter().map(|&(p, a)| Principal(p, a)));
    rt.extend(f.user.iter().map(|&u| User(u)));
    rt.extend(f.member.iter().map(|&(u, g)| Member(u, g)));
    rt.extend(f.attached.iter().map(|&(e, p)| Attached(e, p)));
    rt.extend(f.boundary.iter().map(|&(e, p)| Boundary(e, p)));
    rt.extend(f.statement.iter().map(|&(p, s)| Statement(p, s)));
    rt.extend(f.allows.iter().map(|&s| Allows(s)));
    rt.extend(f.applies.iter().map(|&(s, c, q, m)| Applies(s, c, q, m)));
    rt.extend(f.on.iter().map(|&(s, q, x, m)| On(s, q, x, m)));
    rt.extend(f.holder_of.iter().map(|&(s, p, h)| HolderOf(s, p, h)));
    rt.extend(f.within.iter().map(|&(x, y)| Within(x, y)));
    rt.extend(f.contains.iter().map(|&(x, y)| Contains(x, y)));
    rt.extend(f.in_class.iter().map(|&(t, k)| InClass(t, k)));
    rt.extend(f.excluded.iter().map(|&(y, t)| Excluded(y, t)));
    rt.extend(f.check_class.iter().map(|&(c, a, k)| CheckClass(c, a, k)));
    // `iam:PassRole` on every service alike: the classes of its services' checks (the same
    // for each), and every technique that passes a role ([`crate::compile::pass_role`]).
    let pass = &compiled.pass_role;
    let (any, first) = (pass.any, pass.services.first().copied());
    rt.extend(
        f.check_class
            .iter()
            .filter(|&&(c, _, _)| Some(c) == first)
            .map(|&(_, a, k)| CheckClass(any, a, k)),
    );
    rt.extend(
        f.tech_check
            .iter()
            .filter(|(_, c)| pass.services.binary_search(c).is_ok())
            .map(|&(v, _)| TechCheck(v, any)),
    );
    rt.extend((0..compiled.checks.len() as CheckId).map(|c| {
        let kind = match pass.services.binary_search(&c) {
            Ok(_) => ONE_SERVICE,
            Err(_) => OTHER_CHECK,
        };
        CheckKind(c, kind)
    }));
    rt.extend([CheckKind(any, EVERY_SERVICE)]);
    rt.extend(
        f.principal
            .iter()
            .map(|&(p, _)| PerService(p, pass.is_per_service(p))),
    );
    rt.extend(f.cross_account.iter().map(|&c| CrossAccount(c)));
    rt.extend(f.world_class.iter().map(|&(c, w)| WorldClass(c, w)));
    rt.extend(f.scp_level.iter().map(|&(a, l)| ScpLevel(a, l)));
    rt.extend(f.level_policy.iter().map(|&(l, p)| LevelPolicy(l, p)));
    rt.extend(f.scp_exempt.iter().map(|&p| ScpExempt(p)));
    rt.extend(f.role.iter().map(|&(r, a)| Role(r, a)));
    rt.extend(f.trust_named.iter().map(|&(r, p, m)| TrustNamed(r, p, m)));
    rt.extend(
        f.trust_via_account
            .iter()
            .map(|&(r, p, m)| TrustViaAccount(r, p, m)),
    );
    rt.extend(
        f.trust_account
            .iter()
            .map(|&(r, a, m)| TrustAccount(r, a, m)),
    );
    rt.extend(f.trust_public.iter().map(|&(r, m)| TrustPublic(r, m)));
    rt.extend(
        f.trust_public_from
            .iter()
            .map(|&(r, a, m)| TrustPublicFrom(r, a, m)),
    );
    rt.extend(f.trust_denied.iter().map(|&(r, p, m)| TrustDenied(r, p, m)));
    rt.extend(f.rcp_blocked.iter().map(|&(r, a, m)| RcpBlocked(r, a, m)));
    rt.extend(f.tech_check.iter().map(|&(v, c)| TechCheck(v, c)));
    rt.extend(f.tech_aux.iter().map(|&(v, c)| TechAux(v, c)));
    rt.extend(f.tech_on_aux.iter().map(|&v| TechOnAux(v)));
    rt.extend(f.target_ok.iter().map(|&(v, t, m)| TargetOk(v, t, m)));
    rt.extend(f.tech_gain.iter().map(|&(v, g)| TechGain(v, g)));
    rt.extend(f.group_policy.iter().map(|&(g, p)| GroupPolicy(g, p)));
    rt.extend(f.policy_document.iter().map(|&(x, p)| PolicyDocument(x, p)));
    rt.extend([Mode(false), Mode(true)]);
    rt.extend([
        Special(compiled.full, special::FULL),
        Special(compiled.assume, special::ASSUME),
        Special(compiled.create_role[0], special::CREATE_ROLE),
        Special(compiled.create_role[1], special::ROLE_POLICY),
        Special(compiled.create_role[2], special::ROLE_POLICY),
    ]);
    rt.extend(
        compiled
            .checks
            .iter()
            .enumerate()
            .filter(|(_, c)| c.target == crate::compile::techniques::TargetKind::Aux)
            .map(|(i, _)| IsAux(i as CheckId)),
    );
    if let Some(any) = compiled.universe.lookup("every resource (*)") {
        rt.extend([IsAnyScope(any)]);
    }
    let (
        needs_aux,
        allowed,
        class_allowed,
        excepts,
        edges,
        hub_edges,
        assumes,
        assume_hubs,
        hub_excepts,
        assume_excepts,
        assume_acct_excepts,
        full_admins,
        unbounded,
        self_admins,
    ) = rt.run_with_hasher::<rustc_hash::FxBuildHasher>();
    // A decision of `iam:PassRole` on every service alike is each service's.
    let each_service = |(p, c, x, m): (Id, CheckId, Id, bool)| {
        let (services, own): (&[CheckId], _) = match c == any {
            true => (&pass.services, None),
            false => (&[], Some(c)),
        };
        let checks = services.iter().copied().chain(own);
        checks.map(move |c| (p, c, x, m))
    };
    Decided {
        needs_aux: needs_aux.into_iter().map(|NeedsAux(a, b)| (a, b)).collect(),
        allowed: allowed
            .into_iter()
            .flat_map(|Allowed(a, b, c, d)| each_service((a, b, c, d)))
            .collect(),
        class_allowed: class_allowed
            .into_iter()
            .flat_map(|ClassAllowed(a, b, c, d)| each_service((a, b, c, d)))
            .collect(),
        excepts: excepts
            .into_iter()
            .flat_map(|Except(a, b, c, d)| each_service((a, b, c, d)))
            .collect(),
        edges: edges
            .into_iter()
            .map(|Edge(a, b, c, d)| (a, b, c, d))
            .collect(),
        hub_edges: hub_edges
            .into_iter()
            .map(|HubEdge(a, b, c, d)| (a, b, c, d))
            .collect(),
        assumes: assumes
            .into_iter()
            .map(|Assumes(a, b, c)| (a, b, c))
            .collect(),
        assume_hubs: assume_hubs
            .into_iter()
            .map(|AssumeHub(a, b, c)| (a, b, c))
            .collect(),
        hub_excepts: hub_excepts
            .into_iter()
            .map(|HubExcept(a, b, c, d)| (a, b, c, d))
            .collect(),
        assume_excepts: assume_excepts
            .into_iter()
            .map(|AssumeExcept(a, b, c)| (a, b, c))
            .collect(),
        assume_acct_excepts: assume_acct_excepts
            .into_iter()
            .map(|AssumeAcctExcept(a, b, c)| (a, b, c))
            .collect(),
        full_admins: full_admins
            .into_iter()
            .map(|FullAdmin(a, b)| (a, b))
            .collect(),
        unbounded: unbounded
            .into_iter()
            .map(|Unbounded(a, b)| (a, b))
            .collect(),
        self_admins: self_admins
            .into_iter()
            .map(|SelfAdmin(a, b, c)| (a, b, c))
            .collect(),
    }
}
