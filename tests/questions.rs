//! Single questions on an analysed organisation (`can`, `who_can`) where the policy core
//! decides in both stances what a whole-organisation question cannot know.

mod common;

use iamlog::policy::Outcome;

/// An S3 ARN carries no account: for a bucket the input does not hold, an identity Allow
/// allows in the requests where the bucket is the caller's account's (conditional), never
/// denies outright (spec §5, "same account"). Its twin: an account-qualified resource of
/// another account needs its resource policy, so the Allow alone does not reach it.
#[test]
fn an_s3_object_of_an_unknown_owner_is_allowed_conditionally_by_an_identity_allow() {
    let analysis = common::analysis(
        r#"account 111111111111 {
             user alice { policy inline json {"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Action": ["s3:GetObject", "sqs:SendMessage"], "Resource": "*"}]} }
             user bob { }
           }"#,
    );
    let alice = analysis.resolve("user/alice", None).unwrap();
    let bob = analysis.resolve("user/bob", None).unwrap();
    let (may, must) = analysis
        .can(alice, "s3:GetObject", "arn:aws:s3:::b/k")
        .unwrap();
    assert_eq!(
        (may.outcome, must.outcome),
        (Outcome::Allow, Outcome::ImplicitDeny)
    );
    let who = analysis.who_can("s3:GetObject", "arn:aws:s3:::b/k");
    let who: Vec<_> = who
        .iter()
        .map(|w| (w.arn.as_str(), w.conditional))
        .collect();
    assert_eq!(who, [("arn:aws:iam::111111111111:user/alice", true)]);
    // Without an identity Allow, nothing allows it.
    let (may, _) = analysis
        .can(bob, "s3:GetObject", "arn:aws:s3:::b/k")
        .unwrap();
    assert_eq!(may.outcome, Outcome::ImplicitDeny);
    // Twin: a queue of another account, without a policy, is not reached.
    let queue = "arn:aws:sqs:us-east-1:222222222222:q";
    let (may, must) = analysis.can(alice, "sqs:SendMessage", queue).unwrap();
    assert_eq!(
        (may.outcome, must.outcome),
        (Outcome::ImplicitDeny, Outcome::ImplicitDeny)
    );
}

/// A bucket the input holds a policy for has a known owner: its account's callers are allowed
/// by their own Allow in every request, another account's only through the bucket's policy.
#[test]
fn an_s3_object_of_a_known_bucket_is_decided_with_its_owner() {
    let analysis = common::analysis(
        r#"account 111111111111 {
             user alice { policy inline json {"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]} }
           }
           account 222222222222 {
             user bob { policy inline json {"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]} }
           }
           resource arn:aws:s3:::logs owner 111111111111 {
             allow s3:PutObject on arn:aws:s3:::logs/* to account 222222222222;
           }"#,
    );
    let alice = analysis.resolve("user/alice", None).unwrap();
    let bob = analysis.resolve("user/bob", None).unwrap();
    let decide = |p, action| {
        let (may, must) = analysis.can(p, action, "arn:aws:s3:::logs/k").unwrap();
        (may.outcome, must.outcome)
    };
    let allowed = (Outcome::Allow, Outcome::Allow);
    let denied = (Outcome::ImplicitDeny, Outcome::ImplicitDeny);
    assert_eq!(decide(alice, "s3:GetObject"), allowed);
    assert_eq!(decide(bob, "s3:PutObject"), allowed);
    // Twin: the bucket's policy does not admit bob to read.
    assert_eq!(decide(bob, "s3:GetObject"), denied);
}
