//! The Lambda runtimes table of `lambda-function-runtime-deprecated`: each managed runtime's
//! deprecation date and its source. The configuration overrides or adds entries through
//! `Options::runtimes`.

use time::Date;
use time::macros::date;

/// A Lambda runtime's deprecation date and where that date comes from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuntimeDeprecation {
    pub runtime: &'static str,
    pub deprecated: Date,
    pub source: &'static str,
}

const LAMBDA_RUNTIMES_DOC: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html";

macro_rules! runtime {
    ($name:literal, $date:expr) => {
        RuntimeDeprecation {
            runtime: $name,
            deprecated: $date,
            source: LAMBDA_RUNTIMES_DOC,
        }
    };
}

/// Deprecation dates of Lambda-managed runtimes, from the AWS Lambda runtimes page (deprecated
/// and scheduled; checked against it in November 2026). Overridable through `Options::runtimes`.
pub fn default_runtime_table() -> Vec<RuntimeDeprecation> {
    vec![
        runtime!("nodejs22.x", date!(2027 - 04 - 30)),
        runtime!("nodejs20.x", date!(2026 - 04 - 30)),
        runtime!("nodejs18.x", date!(2025 - 09 - 01)),
        runtime!("nodejs16.x", date!(2024 - 06 - 12)),
        runtime!("nodejs14.x", date!(2023 - 12 - 04)),
        runtime!("nodejs12.x", date!(2023 - 03 - 31)),
        runtime!("nodejs10.x", date!(2021 - 07 - 30)),
        runtime!("nodejs8.10", date!(2020 - 03 - 06)),
        runtime!("nodejs6.10", date!(2019 - 08 - 12)),
        runtime!("nodejs4.3", date!(2020 - 03 - 05)),
        runtime!("nodejs4.3-edge", date!(2020 - 03 - 05)),
        runtime!("nodejs", date!(2016 - 10 - 31)),
        runtime!("python3.13", date!(2029 - 06 - 30)),
        runtime!("python3.12", date!(2028 - 10 - 31)),
        runtime!("python3.11", date!(2026 - 06 - 30)),
        runtime!("python3.10", date!(2026 - 06 - 30)),
        runtime!("python3.9", date!(2025 - 12 - 15)),
        runtime!("python3.8", date!(2024 - 10 - 14)),
        runtime!("python3.7", date!(2023 - 12 - 04)),
        runtime!("python3.6", date!(2022 - 07 - 18)),
        runtime!("python2.7", date!(2021 - 07 - 15)),
        runtime!("java21", date!(2029 - 06 - 30)),
        runtime!("java17", date!(2026 - 06 - 30)),
        runtime!("java11", date!(2026 - 06 - 30)),
        runtime!("java8.al2", date!(2026 - 06 - 30)),
        runtime!("java8", date!(2024 - 01 - 08)),
        runtime!("dotnet8", date!(2026 - 11 - 10)),
        runtime!("dotnet7", date!(2024 - 05 - 14)),
        runtime!("dotnet6", date!(2024 - 11 - 12)),
        runtime!("dotnet5.0", date!(2022 - 05 - 10)),
        runtime!("dotnetcore3.1", date!(2023 - 04 - 03)),
        runtime!("dotnetcore2.1", date!(2022 - 01 - 05)),
        runtime!("dotnetcore2.0", date!(2019 - 05 - 30)),
        runtime!("dotnetcore1.0", date!(2019 - 07 - 27)),
        runtime!("ruby3.3", date!(2027 - 03 - 31)),
        runtime!("ruby3.2", date!(2026 - 03 - 31)),
        runtime!("ruby2.7", date!(2023 - 11 - 27)),
        runtime!("ruby2.5", date!(2021 - 07 - 30)),
        runtime!("provided.al2023", date!(2029 - 06 - 30)),
        runtime!("provided.al2", date!(2026 - 06 - 30)),
        runtime!("provided", date!(2024 - 01 - 08)),
        runtime!("go1.x", date!(2024 - 01 - 08)),
    ]
}
