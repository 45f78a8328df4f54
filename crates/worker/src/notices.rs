//! What the buyer hears when a job (not an agent) moves their return, e.g. the refund issued
//! and the return resolved. The words live with the buyer portal in the web crate, which the
//! worker does not depend on: the binary hands the jobs a [`BuyerNotices`] that writes them.

use aftersail_db::TenantTx;
use aftersail_domain::RmaId;

#[async_trait::async_trait]
pub trait BuyerNotices: Send + Sync {
    /// Queues the buyer's mail for the RMA's current status, in the same transaction.
    async fn rma_moved(&self, tx: &mut TenantTx, rma: RmaId) -> Result<(), sqlx::Error>;
}

/// Tells nobody (tests of jobs that are not about the buyer's mail).
pub struct Silent;

#[async_trait::async_trait]
impl BuyerNotices for Silent {
    async fn rma_moved(&self, _tx: &mut TenantTx, _rma: RmaId) -> Result<(), sqlx::Error> {
        Ok(())
    }
}
