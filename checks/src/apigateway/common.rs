//! Iteration shared by the API Gateway stage checks; what a stage serves and how it is
//! throttled is shared analysis (`analysis::apigateway`).

use crate::check::*;
use crate::context::Context;
use crate::model::{HttpApi, HttpApiStage, RegionInventory, RestApi, RestApiStage};

/// One result per REST stage (`judge` may skip a stage with `None`).
pub(crate) fn each_rest_stage<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl Fn(
        &'a RegionInventory,
        &'a RestApi,
        &'a RestApiStage,
        ResourceRef,
    ) -> Option<CheckResult>,
) -> Vec<CheckResult> {
    crate::analysis::walk::rest_stages(cx, meta, judge)
}

/// One result per HTTP API stage.
pub(crate) fn each_http_stage<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl Fn(&'a HttpApi, &'a HttpApiStage, ResourceRef) -> CheckResult,
) -> Vec<CheckResult> {
    crate::analysis::walk::http_stages(cx, meta, judge)
}
