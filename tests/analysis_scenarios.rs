//! One small organisation per escalation technique of spec §10 and per trust rule of spec §6,
//! each with a negative twin: the same organisation with the one permission or trust missing.
//! The positive answers are snapshots (tests/snapshots); the twins must answer nothing.

mod common;

/// The account of a scenario: an attacker with `grant`, and `rest`.
fn account(grant: &str, rest: &str) -> String {
    let attach = if rest.contains("policy shared") {
        "    attach shared;\n"
    } else {
        ""
    };
    let member = if rest.contains("group team;") {
        " in team"
    } else {
        ""
    };
    format!(
        "account 111111111111 {{\n  user attacker{member} {{\n{attach}    policy grant {{\n{grant}\n    }}\n  }}\n{rest}\n}}\n"
    )
}

/// How the attacker becomes an administrator, as lines, or `None`.
fn escalation(text: &str) -> Option<String> {
    let a = common::analysis(text);
    let attacker = a.resolve("user/attacker", None).expect("an attacker");
    let e = a.escalation(attacker)?;
    let mut out = format!("conditional: {}\n", e.conditional);
    for step in &e.path {
        out.push_str(&format!(
            "{} -> {} via {} ({})\n",
            step.from,
            step.to,
            step.technique,
            step.actions.join(", ")
        ));
        for c in &step.conditions {
            out.push_str(&format!("  if {c}\n"));
        }
        for s in &step.statements {
            out.push_str(&format!("  {} {} {}\n", s.effect, s.source, s.pointer));
        }
    }
    Some(out)
}

const ADMIN_USER: &str = "  user admin {\n    attach aws:AdministratorAccess;\n  }";
const ADMIN_ROLE_EC2: &str = "  role admin-role {\n    trust service ec2.amazonaws.com;\n    instance-profile admin-role;\n    attach aws:AdministratorAccess;\n  }";

fn admin_role(service: &str) -> String {
    format!("  role admin-role {{\n    trust service {service};\n    attach aws:AdministratorAccess;\n  }}")
}

/// (name, grant, what else the account holds, grant of the negative twin)
fn techniques() -> Vec<(&'static str, String, String, String)> {
    let me = "arn:aws:iam::111111111111:user/${aws:username}";
    let role = "arn:aws:iam::111111111111:role/admin-role";
    let none = "      allow iam:ListUsers on *;".to_string();
    let pass = |service: &str, aux: &str| {
        (
            format!("      allow iam:PassRole on \"{role}\";\n      allow {aux} on *;"),
            admin_role(service),
            format!("      allow {aux} on *;"),
        )
    };
    let mut out = vec![
        ("create-access-key", "      allow iam:CreateAccessKey on \"arn:aws:iam::111111111111:user/admin\";".into(), ADMIN_USER.into(), none.clone()),
        ("create-login-profile", "      allow iam:CreateLoginProfile on \"arn:aws:iam::111111111111:user/admin\";".into(), ADMIN_USER.into(), none.clone()),
        ("update-login-profile", "      allow iam:UpdateLoginProfile on \"arn:aws:iam::111111111111:user/admin\";".into(), "  user admin {\n    password;\n    attach aws:AdministratorAccess;\n  }".into(), none.clone()),
        ("put-user-policy", format!("      allow iam:PutUserPolicy on \"{me}\";"), String::new(), none.clone()),
        ("attach-user-policy", format!("      allow iam:AttachUserPolicy on \"{me}\";"), String::new(), none.clone()),
        ("put-role-policy", "      allow iam:PutRolePolicy, sts:AssumeRole on \"arn:aws:iam::111111111111:role/worker\";".into(), "  role worker {\n    trust account 111111111111;\n  }".into(), "      allow sts:AssumeRole on \"arn:aws:iam::111111111111:role/worker\";".into()),
        ("attach-role-policy", "      allow iam:AttachRolePolicy, sts:AssumeRole on \"arn:aws:iam::111111111111:role/worker\";".into(), "  role worker {\n    trust account 111111111111;\n  }".into(), "      allow sts:AssumeRole on \"arn:aws:iam::111111111111:role/worker\";".into()),
        ("create-policy-version", "      allow iam:CreatePolicyVersion on \"arn:aws:iam::111111111111:policy/shared\";".into(), "  policy shared {\n    allow s3:ListAllMyBuckets on *;\n  }".into(), none.clone()),
        ("add-user-to-group", "      allow iam:AddUserToGroup on \"arn:aws:iam::111111111111:group/admins\";".into(), "  group admins {\n    attach aws:AdministratorAccess;\n  }".into(), none.clone()),
        ("update-assume-role-policy", format!("      allow iam:UpdateAssumeRolePolicy on \"{role}\";"), admin_role("ec2.amazonaws.com"), none.clone()),
        ("create-role", "      allow iam:CreateRole, iam:AttachRolePolicy on *;".into(), String::new(), "      allow iam:CreateRole on *;".into()),
        ("ssm-send-command", "      allow ssm:SendCommand on *;".into(), ADMIN_ROLE_EC2.into(), none.clone()),
        ("ec2-instance-connect", "      allow ec2-instance-connect:SendSSHPublicKey on *;".into(), ADMIN_ROLE_EC2.into(), none.clone()),
        ("update-function-code", "      allow lambda:UpdateFunctionCode on *;".into(), admin_role("lambda.amazonaws.com"), none.clone()),
    ];
    for (name, service, aux) in [
        ("pass-role-ec2", "ec2.amazonaws.com", "ec2:RunInstances"),
        ("pass-role-lambda", "lambda.amazonaws.com", "lambda:CreateFunction, lambda:InvokeFunction"),
        ("pass-role-cloudformation", "cloudformation.amazonaws.com", "cloudformation:CreateStack"),
        ("pass-role-codebuild", "codebuild.amazonaws.com", "codebuild:CreateProject, codebuild:StartBuild"),
        ("pass-role-glue", "glue.amazonaws.com", "glue:CreateDevEndpoint"),
        ("pass-role-sagemaker", "sagemaker.amazonaws.com", "sagemaker:CreateNotebookInstance"),
        ("pass-role-ecs", "ecs-tasks.amazonaws.com", "ecs:RegisterTaskDefinition, ecs:RunTask"),
        ("pass-role-datapipeline", "datapipeline.amazonaws.com", "datapipeline:CreatePipeline, datapipeline:PutPipelineDefinition, datapipeline:ActivatePipeline"),
    ] {
        let (grant, mut rest, twin) = pass(service, aux);
        if service == "ec2.amazonaws.com" {
            rest = ADMIN_ROLE_EC2.into();
        }
        out.push((name, grant, rest, twin));
    }
    out.push((
        "pass-role-autoscaling",
        format!("      allow iam:PassRole on \"{role}\";\n      allow autoscaling:CreateLaunchConfiguration, autoscaling:CreateAutoScalingGroup on *;"),
        ADMIN_ROLE_EC2.into(),
        "      allow autoscaling:CreateLaunchConfiguration, autoscaling:CreateAutoScalingGroup on *;".into(),
    ));
    out.push((
        "put-group-policy",
        "      allow iam:PutGroupPolicy on \"arn:aws:iam::111111111111:group/team\";".into(),
        "  group team;".into(),
        none.clone(),
    ));
    out
}

#[test]
fn every_technique_escalates_and_its_twin_does_not() {
    for (name, grant, rest, twin) in techniques() {
        let positive = account(&grant, &rest);
        let answer =
            escalation(&positive).unwrap_or_else(|| panic!("{name}: no escalation in\n{positive}"));
        assert!(answer.contains(name), "{name}:\n{answer}");
        insta::assert_snapshot!(format!("technique-{name}"), answer);
        let negative = account(&twin, &rest);
        assert_eq!(
            escalation(&negative),
            None,
            "{name}: the twin escalates\n{negative}"
        );
    }
}

/// A technique reaches only the targets its own precondition admits (spec §10): a role passed
/// to Lambda must trust Lambda; trusting EC2 (with an instance profile) meets the EC2
/// technique's precondition, which the attacker lacks the permissions of.
#[test]
fn a_role_passed_to_a_service_must_trust_that_service() {
    let grant = "      allow iam:PassRole on \"arn:aws:iam::111111111111:role/admin-role\";\n      allow lambda:CreateFunction, lambda:InvokeFunction on *;";
    let lambda = escalation(&account(grant, &admin_role("lambda.amazonaws.com")));
    assert!(lambda.is_some_and(|path| path.contains("pass-role-lambda")));
    assert_eq!(escalation(&account(grant, ADMIN_ROLE_EC2)), None);
}

/// A path whose steps are only named is the explained path without the statements and the
/// conditions the policy core finds (what a technique assumes is kept).
#[test]
fn named_steps_are_the_explained_steps_without_what_the_policy_core_finds() {
    use iamlog::answer::Steps;
    let mut with_statements = 0;
    for (name, grant, rest, _) in techniques() {
        let a = common::analysis(&account(&grant, &rest));
        let attacker = a.resolve("user/attacker", None).expect("an attacker");
        let explained = a.escalation(attacker).expect("an escalation");
        let mut expected = explained.clone();
        for step in &mut expected.path {
            step.statements.clear();
            step.conditions.retain(|c| c.starts_with("assumes "));
        }
        let named = a.escalation_with(attacker, Steps::Named);
        assert_eq!(named, Some(expected), "{name}");
        with_statements += usize::from(explained.path.iter().any(|s| !s.statements.is_empty()));
    }
    assert!(
        with_statements > 10,
        "explained paths name their statements"
    );
}

/// Who reaches what, as lines.
fn reach(text: &str, from: &str) -> String {
    let a = common::analysis(text);
    let p = a.resolve(from, None).expect("a principal");
    a.reachable(p)
        .iter()
        .map(|r| format!("{} hops={} conditional={}\n", r.arn, r.hops, r.conditional))
        .collect()
}

/// An organisation holding the accounts 111111111111 and 222222222222.
const ORG: &str = "organization o-test123456 r-test management 999999999999 {\n  ou main ou-test-main0001 {\n    account 111111111111 \"a\";\n    account 222222222222 \"b\";\n  }\n}\n";

/// An organisation whose SCPs let account 111111111111 assume only role/r of 222222222222,
/// and only for principals tagged `team = a` (an SCP Allow decided per principal).
fn scp_only_r() -> String {
    "organization o-test123456 r-test management 999999999999 {\n  scp only-r {\n    allow sts:AssumeRole on \"arn:aws:iam::222222222222:role/r\" when aws:PrincipalTag/team == \"a\";\n  }\n  ou main ou-test-main0001 {\n    account 111111111111 \"a\" { detach FullAWSAccess; scp only-r; }\n    account 222222222222 \"b\";\n  }\n}\n".into()
}

/// (name, organisation, principal, its negative twin): spec §6 trust rules.
fn trust_rules() -> Vec<(&'static str, String, &'static str, String)> {
    let two = |a: &str, b: &str| {
        format!("account 111111111111 {{\n{a}\n}}\naccount 222222222222 {{\n{b}\n}}\n")
    };
    vec![
        (
            "same-account-trust-names-the-user",
            "account 111111111111 {\n  user alice;\n  role r {\n    trust user alice;\n  }\n}".into(),
            "user/alice",
            "account 111111111111 {\n  user alice;\n  user bob;\n  role r {\n    trust user bob;\n  }\n}".into(),
        ),
        (
            "trust-names-the-account-and-identity-allows",
            "account 111111111111 {\n  user alice {\n    policy p {\n      allow sts:AssumeRole on \"arn:aws:iam::111111111111:role/r\";\n    }\n  }\n  role r {\n    trust account 111111111111;\n  }\n}".into(),
            "user/alice",
            "account 111111111111 {\n  user alice;\n  role r {\n    trust account 111111111111;\n  }\n}".into(),
        ),
        (
            "cross-account-needs-both-sides",
            two(
                "  user alice {\n    policy p {\n      allow sts:AssumeRole on *;\n    }\n  }",
                "  role r {\n    trust user alice@111111111111;\n  }",
            ),
            "user/alice",
            two("  user alice;", "  role r {\n    trust user alice@111111111111;\n  }"),
        ),
        (
            "boundary-limits-a-named-trust",
            "account 111111111111 {\n  user alice {\n    boundary pb;\n  }\n  policy pb {\n    allow sts:AssumeRole on *;\n  }\n  role r {\n    trust user alice;\n  }\n}".into(),
            "user/alice",
            "account 111111111111 {\n  user alice {\n    boundary pb;\n  }\n  policy pb {\n    allow s3:GetObject on *;\n  }\n  role r {\n    trust user alice;\n  }\n}".into(),
        ),
        (
            "role-chaining",
            "account 111111111111 {\n  user alice;\n  role first {\n    trust user alice;\n  }\n  role second {\n    trust role first;\n  }\n}".into(),
            "user/alice",
            "account 111111111111 {\n  user alice;\n  role first {\n    trust user alice;\n  }\n  role second {\n    trust user alice when aws:PrincipalTag/team == \"x\";\n  }\n}".into(),
        ),
        (
            "conditional-trust-is-carried",
            "account 111111111111 {\n  user alice;\n  role r {\n    trust user alice when aws:MultiFactorAuthPresent == true;\n  }\n}".into(),
            "user/alice",
            "account 111111111111 {\n  user alice;\n  role r {\n    trust user alice when aws:PrincipalTag/team == \"x\";\n  }\n}".into(),
        ),
        (
            "star-trust-for-the-organisation",
            format!("{ORG}{}", two("  user alice;\n  role r {\n    trust * when aws:PrincipalOrgID == \"o-test123456\";\n  }", "")),
            "user/alice",
            format!("{ORG}{}", two("  user alice;\n  role r {\n    trust * when aws:PrincipalOrgID == \"o-other12345\";\n  }", "")),
        ),
        (
            "star-trust-for-another-account",
            two(
                "  user alice {\n    policy p {\n      allow sts:AssumeRole on *;\n    }\n  }",
                "  role r {\n    trust * when aws:PrincipalAccount == \"111111111111\";\n  }",
            ),
            "user/alice",
            two(
                "  user alice {\n    policy p {\n      allow sts:AssumeRole on *;\n    }\n  }",
                "  role r {\n    trust * when aws:PrincipalAccount == \"222222222222\";\n  }",
            ),
        ),
        (
            "account-trust-with-a-principal-tag",
            two(
                "  user alice {\n    tag team = \"a\";\n    policy p {\n      allow sts:AssumeRole on *;\n    }\n  }",
                "  role r {\n    trust account 111111111111 when aws:PrincipalTag/team == \"a\";\n  }",
            ),
            "user/alice",
            two(
                "  user alice {\n    tag team = \"b\";\n    policy p {\n      allow sts:AssumeRole on *;\n    }\n  }",
                "  role r {\n    trust account 111111111111 when aws:PrincipalTag/team == \"a\";\n  }",
            ),
        ),
        (
            "a-grant-on-every-account-but-one",
            two(
                "  user alice {\n    policy p {\n      allow sts:AssumeRole on *;\n      deny sts:AssumeRole on \"arn:aws:iam::111111111111:role/*\";\n    }\n  }",
                "  role r {\n    trust user alice@111111111111;\n  }",
            ),
            "user/alice",
            two(
                "  user alice {\n    policy p {\n      allow sts:AssumeRole on *;\n      deny sts:AssumeRole on \"arn:aws:iam::222222222222:role/*\";\n    }\n  }",
                "  role r {\n    trust user alice@111111111111;\n  }",
            ),
        ),
        (
            "a-grant-on-every-account-but-one-through-an-account-trust",
            two(
                "  user alice {\n    policy p {\n      allow sts:AssumeRole on *;\n      deny sts:AssumeRole on \"arn:aws:iam::111111111111:role/*\";\n    }\n  }",
                "  role r {\n    trust account 111111111111;\n  }",
            ),
            "user/alice",
            two(
                "  user alice {\n    policy p {\n      allow sts:AssumeRole on *;\n      deny sts:AssumeRole on \"arn:aws:iam::222222222222:role/*\";\n    }\n  }",
                "  role r {\n    trust account 111111111111;\n  }",
            ),
        ),
        (
            "a-grant-on-every-account-but-one-role",
            two(
                "  user alice {\n    policy p {\n      allow sts:AssumeRole on *;\n      deny sts:AssumeRole on \"arn:aws:iam::222222222222:role/other\";\n    }\n  }",
                "  role r {\n    trust account 111111111111;\n  }\n  role other {\n    trust account 111111111111;\n  }",
            ),
            "user/alice",
            two(
                "  user alice {\n    policy p {\n      allow sts:AssumeRole on *;\n      deny sts:AssumeRole on \"arn:aws:iam::222222222222:role/r\";\n    }\n  }",
                "  role r {\n    trust account 111111111111;\n  }\n  role other {\n    trust account 111111111111;\n  }",
            ),
        ),
        (
            "scp-allows-one-role-to-a-tagged-principal",
            format!(
                "{}{}",
                scp_only_r(),
                two(
                    "  user alice {\n    tag team = \"a\";\n    policy p {\n      allow sts:AssumeRole on *;\n    }\n  }",
                    "  role r {\n    trust account 111111111111;\n  }",
                ),
            ),
            "user/alice",
            format!(
                "{}{}",
                scp_only_r(),
                two(
                    "  user alice {\n    tag team = \"b\";\n    policy p {\n      allow sts:AssumeRole on *;\n    }\n  }",
                    "  role r {\n    trust account 111111111111;\n  }",
                ),
            ),
        ),
        (
            "scp-deny-blocks-assume",
            "organization o-test123456 r-test management 999999999999 {\n  ou main ou-test-main0001 {\n    account 111111111111 \"a\";\n  }\n}\naccount 111111111111 {\n  user alice;\n  role r {\n    trust user alice;\n  }\n}".into(),
            "user/alice",
            "organization o-test123456 r-test management 999999999999 {\n  ou main ou-test-main0001 {\n    account 111111111111 \"a\";\n    scp guard p-guard00001 {\n      deny sts:AssumeRole on *;\n    }\n  }\n}\naccount 111111111111 {\n  user alice;\n  role r {\n    trust user alice;\n  }\n}".into(),
        ),
    ]
}

#[test]
fn trust_rules_of_spec_section_6() {
    for (name, positive, who, negative) in trust_rules() {
        let answer = reach(&positive, who);
        assert!(!answer.is_empty(), "{name}: nothing reached in\n{positive}");
        insta::assert_snapshot!(format!("trust-{name}"), answer);
        let target = if name == "role-chaining" {
            "role/second "
        } else {
            "role/r "
        };
        assert!(
            answer.contains(target),
            "{name}: {target} not reached:\n{answer}"
        );
        let twin = reach(&negative, who);
        assert!(
            !twin.contains(target),
            "{name}: the twin reaches {target}\n{negative}\n{twin}"
        );
    }
}

#[test]
fn outside_principals_are_reported() {
    let text = "account 111111111111 {\n  role vendor {\n    trust account 999999999999;\n  }\n  role open {\n    trust *;\n  }\n  role deploy {\n    trust federated oidc-provider/token.actions.githubusercontent.com;\n  }\n  role scoped {\n    trust federated oidc-provider/token.actions.githubusercontent.com\n      when token.actions.githubusercontent.com:sub like \"repo:org/app:*\";\n  }\n}";
    let a = common::analysis(text);
    let lines: Vec<String> = a
        .external_access()
        .iter()
        .map(|e| {
            format!(
                "{} {} -> {} conditional={}",
                e.kind, e.source, e.role, e.conditional
            )
        })
        .collect();
    insta::assert_snapshot!("external-access", lines.join("\n"));
    let closed = common::analysis(
        "account 111111111111 {\n  role vendor {\n    trust account 111111111111;\n  }\n}",
    );
    assert!(closed.external_access().is_empty());
}

/// A class of principals reached as a whole (every user of the account, through
/// `iam:CreateAccessKey` on `user/*`) is one entry of the compact report, and its members are
/// listed one by one in the full report.
#[test]
fn compact_reports_give_a_class_reached_as_a_whole_as_one_entry() {
    use iamlog::answer::report::{ReachList, COLLAPSE_AT};
    let users: String = (0..COLLAPSE_AT + 4)
        .map(|i| format!("  user u{i};\n"))
        .collect();
    let grant = "      allow iam:CreateAccessKey on \"arn:aws:iam::111111111111:user/*\";";
    let a = common::analysis(&account(grant, &users));
    let attacker = |reach| {
        a.report_with(reach)
            .principals
            .into_iter()
            .find(|p| p.arn.ends_with(":user/attacker"))
            .expect("the attacker")
    };
    let compact = attacker(ReachList::Compact);
    assert!(compact.reachable.is_empty(), "{:?}", compact.reachable);
    assert_eq!(compact.reachable_classes.len(), 1);
    let class = &compact.reachable_classes[0];
    assert_eq!(
        (class.class.as_str(), class.technique.as_str()),
        ("users of 111111111111", "create-access-key")
    );
    assert_eq!(
        (class.members, class.hops, class.conditional),
        (COLLAPSE_AT + 4, 1, false)
    );
    let full = attacker(ReachList::Full);
    assert!(full.reachable_classes.is_empty());
    assert_eq!(full.reachable.len(), COLLAPSE_AT + 4);
    assert!(full.reachable.iter().all(|r| r.hops == 1 && !r.conditional));
    let none = attacker(ReachList::None);
    assert!(none.reachable.is_empty() && none.reachable_classes.is_empty());
}

/// Two classes with the same name at the same distance (the roles open to two different
/// accounts' callers, reached through a role of each) are both listed, each with the account
/// whose callers its roles admit: a compact report that kept one would leave the other's
/// members out of the report.
#[test]
fn classes_of_the_same_name_are_each_listed_with_their_callers() {
    use iamlog::answer::report::{ReachList, COLLAPSE_AT};
    let hop = |name: &str, account: &str| {
        format!(
            "account {account} {{\n  role {name} {{\n    trust account 111111111111;\n    policy p {{\n      allow sts:AssumeRole on *;\n    }}\n  }}\n}}\n"
        )
    };
    let open_to = |prefix: &str, callers: &str, count: usize| -> String {
        (0..count)
            .map(|i| format!("  role {prefix}{i} {{\n    trust account {callers};\n  }}\n"))
            .collect()
    };
    let text = format!(
        "account 111111111111 {{\n  user alice {{\n    policy p {{\n      allow sts:AssumeRole on *;\n    }}\n  }}\n}}\n{}{}account 444444444444 {{\n{}{}}}\n",
        hop("two", "222222222222"),
        hop("three", "333333333333"),
        open_to("from-two-", "222222222222", COLLAPSE_AT),
        open_to("from-three-", "333333333333", COLLAPSE_AT + 1),
    );
    let a = common::analysis(&text);
    let alice = a
        .report_with(ReachList::Compact)
        .principals
        .into_iter()
        .find(|p| p.arn.ends_with(":user/alice"))
        .expect("alice");
    let classes: Vec<(String, Option<String>, usize, u32)> = alice
        .reachable_classes
        .iter()
        .map(|c| {
            (
                c.technique.clone(),
                c.callers_account.clone(),
                c.members,
                c.hops,
            )
        })
        .collect();
    assert_eq!(
        classes,
        [
            (
                "assume-role".into(),
                Some("222222222222".into()),
                COLLAPSE_AT,
                2
            ),
            (
                "assume-role".into(),
                Some("333333333333".into()),
                COLLAPSE_AT + 1,
                2
            ),
        ],
        "{:?}",
        alice.reachable_classes
    );
    assert_eq!(
        alice.reachable_classes[0].class,
        alice.reachable_classes[1].class
    );
    let listed: Vec<&str> = alice.reachable.iter().map(|r| r.arn.as_str()).collect();
    assert_eq!(
        listed,
        [
            "arn:aws:iam::222222222222:role/two",
            "arn:aws:iam::333333333333:role/three"
        ]
    );
}

/// Below the size that is collapsed, the compact report lists every member.
#[test]
fn small_classes_are_listed_member_by_member() {
    use iamlog::answer::report::{ReachList, COLLAPSE_AT};
    let users: String = (0..COLLAPSE_AT - 2)
        .map(|i| format!("  user u{i};\n"))
        .collect();
    let grant = "      allow iam:CreateAccessKey on \"arn:aws:iam::111111111111:user/*\";";
    let a = common::analysis(&account(grant, &users));
    let report = a.report_with(ReachList::Compact);
    let attacker = report
        .principals
        .iter()
        .find(|p| p.arn.ends_with(":user/attacker"))
        .expect("the attacker");
    assert!(attacker.reachable_classes.is_empty());
    assert_eq!(attacker.reachable.len(), COLLAPSE_AT - 2);
}

/// Roles assumed from another account are findings: one per caller for a few callers, one
/// for the role when a trust opens it to many (every caller is counted, through hubs too).
#[test]
fn cross_account_findings_name_each_caller_or_count_many() {
    use iamlog::answer::report::COLLAPSE_AT;
    let findings = |callers: usize| {
        let users: String = (0..callers)
            .map(|i| format!("  user u{i:02} {{\n    policy p {{\n      allow sts:AssumeRole on *;\n    }}\n  }}\n"))
            .collect();
        let text = format!(
            "account 111111111111 {{\n{users}  user idle;\n}}\naccount 222222222222 {{\n  role r {{\n    trust account 111111111111;\n  }}\n}}\n"
        );
        common::analysis(&text)
            .report()
            .findings
            .into_iter()
            .filter(|f| f.kind == "cross-account")
            .map(|f| f.message)
            .collect::<Vec<_>>()
    };
    let few = findings(2);
    assert_eq!(
        few,
        [
            "arn:aws:iam::111111111111:user/u00 can assume arn:aws:iam::222222222222:role/r in another account",
            "arn:aws:iam::111111111111:user/u01 can assume arn:aws:iam::222222222222:role/r in another account",
        ]
    );
    let many = findings(COLLAPSE_AT);
    assert_eq!(many.len(), 1, "{many:?}");
    assert!(
        many[0].starts_with(&format!(
            "{COLLAPSE_AT} principals of account 111111111111 can assume arn:aws:iam::222222222222:role/r, among them arn:aws:iam::111111111111:user/u00, "
        )),
        "{}",
        many[0]
    );
}

/// A NotResource grant reaches every member of a class but those it names: the class is
/// decided as a whole for the others, and the twin without the exclusion reaches them all.
#[test]
fn a_not_resource_grant_leaves_out_the_roles_it_names() {
    let roles = "  role admin {\n    trust account 111111111111;\n  }\n  role ops {\n    trust account 111111111111;\n  }";
    let but_admin = "      allow sts:AssumeRole on not \"arn:aws:iam::111111111111:role/admin\";";
    assert_eq!(
        reach(&account(but_admin, roles), "user/attacker"),
        "arn:aws:iam::111111111111:role/ops hops=1 conditional=false\n"
    );
    let every_role = "      allow sts:AssumeRole on \"arn:aws:iam::111111111111:role/*\";";
    assert_eq!(
        reach(&account(every_role, roles), "user/attacker"),
        "arn:aws:iam::111111111111:role/admin hops=1 conditional=false\n\
         arn:aws:iam::111111111111:role/ops hops=1 conditional=false\n"
    );
}

/// A service-linked role is exempt from its account's SCPs, but a role it creates is not:
/// under an SCP that denies everything, creating a role and giving it any policy (row 11)
/// makes no administrator. Its twin, without the SCP, does.
#[test]
fn a_role_created_under_an_scp_that_denies_everything_is_no_administrator() {
    let organisation = |scp: &str| {
        format!(
            "organization o-test123456 r-test management 999999999999 {{\n  ou main ou-test-main0001 {{\n    account 111111111111 \"a\";\n{scp}  }}\n}}\naccount 111111111111 {{\n  role linked path \"/aws-service-role/ec2.amazonaws.com/\" {{\n    policy grant {{\n      allow iam:CreateRole, iam:AttachRolePolicy on *;\n    }}\n  }}\n}}\n"
        )
    };
    let techniques = |text: &str| {
        let a = common::analysis(text);
        let role = a.resolve("role/linked", None).expect("the role");
        a.escalation(role).map(|e| {
            e.path
                .iter()
                .map(|s| s.technique.clone())
                .collect::<Vec<_>>()
        })
    };
    let open = techniques(&organisation(""));
    assert!(
        open.as_ref()
            .is_some_and(|t| t.iter().any(|t| t.contains("create-role"))),
        "{open:?}"
    );
    let guard = "    scp guard p-guard00001 {\n      deny * on *;\n    }\n";
    assert_eq!(techniques(&organisation(guard)), None);
}

/// `iam:PassRole` is decided per service a role is passed to when a statement reads
/// `iam:PassedToService`: a grant to pass the EC2 role only to Lambda opens no EC2 path, and
/// the same grant with the service EC2 does. Another PassRole grant, alike for every
/// service, is read as every service's beside it.
#[test]
fn pass_role_is_decided_per_service_where_a_statement_reads_the_service() {
    let role = "arn:aws:iam::111111111111:role/admin-role";
    let grant = |service: &str| {
        format!(
            "      allow iam:PassRole on \"{role}\" when iam:PassedToService == \"{service}\";\n      allow iam:PassRole on \"arn:aws:iam::111111111111:role/other\";\n      allow ec2:RunInstances on *;"
        )
    };
    let rest =
        format!("{ADMIN_ROLE_EC2}\n  role other {{\n    trust service ec2.amazonaws.com;\n  }}");
    let to_ec2 = escalation(&account(&grant("ec2.amazonaws.com"), &rest));
    assert!(
        to_ec2.as_ref().is_some_and(|e| e.contains("pass-role-ec2")),
        "{to_ec2:?}"
    );
    assert_eq!(
        escalation(&account(&grant("lambda.amazonaws.com"), &rest)),
        None
    );
}
