//! The checks the analysis asks of every principal, and the privilege-escalation techniques
//! they make up (spec §6, §7, §10).
//!
//! A *check* is one action, with the context the attacker chooses, decided on a target (a
//! user, group, role or customer policy) or on "some resource" (an auxiliary action such as
//! `ec2:RunInstances`). A *technique* is a row of spec §10: one target check, the auxiliary
//! checks it also needs, the target-side precondition and what the caller gains.

/// What a check is decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetKind {
    /// IAM users.
    User,
    /// IAM groups.
    Group,
    /// IAM roles.
    Role,
    /// Customer managed policies.
    Policy,
    /// Some resource of the caller's account (auxiliary actions).
    Aux,
    /// Every action on every resource (the administrator test).
    Full,
}

impl TargetKind {
    /// The kinds that are IAM objects with ARNs.
    pub const OBJECTS: [TargetKind; 4] = [
        TargetKind::User,
        TargetKind::Group,
        TargetKind::Role,
        TargetKind::Policy,
    ];

    /// The first segment of the resource field of such ARNs (`user/...`).
    pub fn arn_prefix(self) -> &'static str {
        match self {
            TargetKind::User => "user/",
            TargetKind::Group => "group/",
            TargetKind::Role => "role/",
            TargetKind::Policy => "policy/",
            TargetKind::Aux | TargetKind::Full => "",
        }
    }
}

/// One check: an action, the context the caller picks, and what it is decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// `service:Action` (`*` for the administrator test).
    pub action: &'static str,
    /// `iam:PassedToService` for `iam:PassRole`.
    pub passed_to: Option<&'static str>,
    /// What it is decided on.
    pub target: TargetKind,
}

const fn on(action: &'static str, target: TargetKind) -> Check {
    Check {
        action,
        passed_to: None,
        target,
    }
}

const fn pass(service: &'static str) -> Check {
    Check {
        action: "iam:PassRole",
        passed_to: Some(service),
        target: TargetKind::Role,
    }
}

const fn aux(action: &'static str) -> Check {
    on(action, TargetKind::Aux)
}

/// What the caller gains through a technique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gain {
    /// It can act as the target (a user or role).
    Act,
    /// It can give the target any permission (+any), bounded by the target's boundary and SCPs.
    Empower,
    /// It can give every member of the target group any permission.
    EmpowerMembers,
    /// It can give every holder of the target policy any permission.
    EmpowerHolders,
    /// A user can join the target group and gain its policies.
    Join,
}

/// What must hold of the target for the technique to work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// Nothing.
    None,
    /// The user has fewer than two access keys (else the edge needs `iam:DeleteAccessKey` too:
    /// conditional).
    KeySlot,
    /// The user has no console password (unknown: conditional).
    NoPassword,
    /// The user has a console password (unknown: conditional).
    HasPassword,
    /// The role is not service-linked (AWS refuses changes to those).
    Mutable,
    /// The role trusts this service principal for `sts:AssumeRole`.
    TrustsService(&'static str),
    /// As `TrustsService`, and the role is in an instance profile.
    InInstanceProfile(&'static str),
    /// The policy has other stored versions (one may be broader: conditional).
    OtherVersions,
}

/// One row of spec §10 (or one of its alternatives).
#[derive(Debug, Clone, Copy)]
pub struct Technique {
    /// A stable name, used in JSON, SARIF rule ids and queries.
    pub id: &'static str,
    /// The row of spec §10.
    pub row: u8,
    /// The check on the target.
    pub check: Check,
    /// Auxiliary checks, all needed.
    pub aux: &'static [Check],
    /// The target-side precondition.
    pub precondition: Precondition,
    /// What the caller gains.
    pub gain: Gain,
    /// The edge rests on something the model cannot see (an instance that runs, a function
    /// that is invoked): it is always reported as conditional.
    pub assumes: Option<&'static str>,
}

use TargetKind::{Group, Policy, Role, User};

/// `sts:AssumeRole` on a role: spec §6 trust rules (technique row 12).
pub const ASSUME: Check = on("sts:AssumeRole", Role);

/// Every action on every resource.
pub const FULL: Check = on("*", TargetKind::Full);

/// `iam:CreateRole`, for row 11.
pub const CREATE_ROLE: Check = aux("iam:CreateRole");

const fn technique(
    id: &'static str,
    row: u8,
    check: Check,
    aux: &'static [Check],
    precondition: Precondition,
    gain: Gain,
) -> Technique {
    Technique {
        id,
        row,
        check,
        aux,
        precondition,
        gain,
        assumes: None,
    }
}

const fn assuming(mut t: Technique, what: &'static str) -> Technique {
    t.assumes = Some(what);
    t
}

/// The techniques, one entry per way of performing a row of spec §10. `sts:AssumeRole` (row
/// 12) follows the trust rules of §6 and is derived apart.
pub const TECHNIQUES: &[Technique] = &[
    technique(
        "create-access-key",
        1,
        on("iam:CreateAccessKey", User),
        &[],
        Precondition::KeySlot,
        Gain::Act,
    ),
    technique(
        "create-login-profile",
        2,
        on("iam:CreateLoginProfile", User),
        &[],
        Precondition::NoPassword,
        Gain::Act,
    ),
    technique(
        "update-login-profile",
        2,
        on("iam:UpdateLoginProfile", User),
        &[],
        Precondition::HasPassword,
        Gain::Act,
    ),
    technique(
        "put-user-policy",
        3,
        on("iam:PutUserPolicy", User),
        &[],
        Precondition::None,
        Gain::Empower,
    ),
    technique(
        "attach-user-policy",
        3,
        on("iam:AttachUserPolicy", User),
        &[],
        Precondition::None,
        Gain::Empower,
    ),
    technique(
        "put-group-policy",
        4,
        on("iam:PutGroupPolicy", Group),
        &[],
        Precondition::None,
        Gain::EmpowerMembers,
    ),
    technique(
        "attach-group-policy",
        4,
        on("iam:AttachGroupPolicy", Group),
        &[],
        Precondition::None,
        Gain::EmpowerMembers,
    ),
    technique(
        "put-role-policy",
        5,
        on("iam:PutRolePolicy", Role),
        &[],
        Precondition::Mutable,
        Gain::Empower,
    ),
    technique(
        "attach-role-policy",
        5,
        on("iam:AttachRolePolicy", Role),
        &[],
        Precondition::Mutable,
        Gain::Empower,
    ),
    technique(
        "create-policy-version",
        6,
        on("iam:CreatePolicyVersion", Policy),
        &[],
        Precondition::None,
        Gain::EmpowerHolders,
    ),
    technique(
        "set-default-policy-version",
        7,
        on("iam:SetDefaultPolicyVersion", Policy),
        &[],
        Precondition::OtherVersions,
        Gain::EmpowerHolders,
    ),
    technique(
        "add-user-to-group",
        8,
        on("iam:AddUserToGroup", Group),
        &[],
        Precondition::None,
        Gain::Join,
    ),
    technique(
        "update-assume-role-policy",
        10,
        on("iam:UpdateAssumeRolePolicy", Role),
        &[],
        Precondition::Mutable,
        Gain::Act,
    ),
    technique(
        "pass-role-ec2",
        13,
        pass("ec2.amazonaws.com"),
        &[aux("ec2:RunInstances")],
        Precondition::InInstanceProfile("ec2.amazonaws.com"),
        Gain::Act,
    ),
    assuming(
        technique(
            "pass-role-ec2-associate",
            14,
            pass("ec2.amazonaws.com"),
            &[aux("ec2:AssociateIamInstanceProfile")],
            Precondition::InInstanceProfile("ec2.amazonaws.com"),
            Gain::Act,
        ),
        "an EC2 instance the caller controls",
    ),
    technique(
        "pass-role-lambda",
        15,
        pass("lambda.amazonaws.com"),
        &[aux("lambda:CreateFunction"), aux("lambda:InvokeFunction")],
        Precondition::TrustsService("lambda.amazonaws.com"),
        Gain::Act,
    ),
    technique(
        "pass-role-lambda-event-source",
        15,
        pass("lambda.amazonaws.com"),
        &[
            aux("lambda:CreateFunction"),
            aux("lambda:CreateEventSourceMapping"),
        ],
        Precondition::TrustsService("lambda.amazonaws.com"),
        Gain::Act,
    ),
    assuming(
        technique(
            "update-function-code",
            16,
            on("lambda:UpdateFunctionCode", TargetKind::Aux),
            &[],
            Precondition::TrustsService("lambda.amazonaws.com"),
            Gain::Act,
        ),
        "a Lambda function running as the role, and something that invokes it",
    ),
    technique(
        "pass-role-cloudformation",
        17,
        pass("cloudformation.amazonaws.com"),
        &[aux("cloudformation:CreateStack")],
        Precondition::TrustsService("cloudformation.amazonaws.com"),
        Gain::Act,
    ),
    technique(
        "pass-role-codebuild",
        18,
        pass("codebuild.amazonaws.com"),
        &[aux("codebuild:CreateProject"), aux("codebuild:StartBuild")],
        Precondition::TrustsService("codebuild.amazonaws.com"),
        Gain::Act,
    ),
    technique(
        "pass-role-glue",
        19,
        pass("glue.amazonaws.com"),
        &[aux("glue:CreateDevEndpoint")],
        Precondition::TrustsService("glue.amazonaws.com"),
        Gain::Act,
    ),
    technique(
        "pass-role-glue-job",
        19,
        pass("glue.amazonaws.com"),
        &[aux("glue:CreateJob"), aux("glue:StartJobRun")],
        Precondition::TrustsService("glue.amazonaws.com"),
        Gain::Act,
    ),
    technique(
        "pass-role-sagemaker",
        20,
        pass("sagemaker.amazonaws.com"),
        &[aux("sagemaker:CreateNotebookInstance")],
        Precondition::TrustsService("sagemaker.amazonaws.com"),
        Gain::Act,
    ),
    technique(
        "pass-role-sagemaker-job",
        20,
        pass("sagemaker.amazonaws.com"),
        &[aux("sagemaker:CreateTrainingJob")],
        Precondition::TrustsService("sagemaker.amazonaws.com"),
        Gain::Act,
    ),
    technique(
        "pass-role-ecs",
        21,
        pass("ecs-tasks.amazonaws.com"),
        &[aux("ecs:RegisterTaskDefinition"), aux("ecs:RunTask")],
        Precondition::TrustsService("ecs-tasks.amazonaws.com"),
        Gain::Act,
    ),
    technique(
        "pass-role-datapipeline",
        22,
        pass("datapipeline.amazonaws.com"),
        &[
            aux("datapipeline:CreatePipeline"),
            aux("datapipeline:PutPipelineDefinition"),
            aux("datapipeline:ActivatePipeline"),
        ],
        Precondition::TrustsService("datapipeline.amazonaws.com"),
        Gain::Act,
    ),
    technique(
        "pass-role-autoscaling",
        23,
        pass("ec2.amazonaws.com"),
        &[
            aux("autoscaling:CreateLaunchConfiguration"),
            aux("autoscaling:CreateAutoScalingGroup"),
        ],
        Precondition::InInstanceProfile("ec2.amazonaws.com"),
        Gain::Act,
    ),
    assuming(
        technique(
            "ssm-send-command",
            24,
            on("ssm:SendCommand", TargetKind::Aux),
            &[],
            Precondition::InInstanceProfile("ec2.amazonaws.com"),
            Gain::Act,
        ),
        "an SSM-managed EC2 instance running with the role's instance profile",
    ),
    assuming(
        technique(
            "ssm-start-session",
            24,
            on("ssm:StartSession", TargetKind::Aux),
            &[],
            Precondition::InInstanceProfile("ec2.amazonaws.com"),
            Gain::Act,
        ),
        "an SSM-managed EC2 instance running with the role's instance profile",
    ),
    assuming(
        technique(
            "ec2-instance-connect",
            25,
            on("ec2-instance-connect:SendSSHPublicKey", TargetKind::Aux),
            &[],
            Precondition::InInstanceProfile("ec2.amazonaws.com"),
            Gain::Act,
        ),
        "an EC2 instance running with the role's instance profile, reachable over the network",
    ),
];

/// Row 11: create a role and give it any policy.
pub const CREATE_ROLE_TECHNIQUE: &str = "create-role";

/// Rows of spec §10 the analysis does not derive, and why (reported in `analyze`).
pub const NOT_MODELLED: &[(u8, &str)] = &[
    (
        9,
        "removing a permissions boundary or a Deny (iam:Delete*PermissionsBoundary, Detach/Delete of a policy holding a Deny, RemoveUserFromGroup)",
    ),
    (
        26,
        "sts:AssumeRoot from the management account (centralized root access)",
    ),
];

/// Every check the analysis asks: the administrator test, `sts:AssumeRole`, `iam:CreateRole`,
/// and the target and auxiliary checks of every technique, each once.
pub fn all_checks() -> Vec<Check> {
    let mut checks = vec![FULL, ASSUME, CREATE_ROLE, aux("iam:PutRolePolicy")];
    checks.push(aux("iam:AttachRolePolicy"));
    for t in TECHNIQUES {
        for c in std::iter::once(&t.check).chain(t.aux) {
            if !checks.contains(c) {
                checks.push(*c);
            }
        }
    }
    checks
}
