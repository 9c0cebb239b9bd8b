// Predict: score one transaction by hand (form built from /api/v1/schema), or a CSV file.
import { useState } from "react";
import { Card } from "../../components/card";
import { EmptyState, Loading } from "../../components/empty-state";
import { ErrorBanner } from "../../components/error-banner";
import { PageHeader } from "../../components/page-header";
import type { FeatureContract, PredictionResult } from "../../lib/types";
import { useApi } from "../../lib/use-api";
import { BatchUpload } from "./batch-upload";
import { PredictForm } from "./predict-form";
import { PredictionResultView } from "./prediction-result";

export function PredictPage() {
  const { data: contract, error, loading, reload } = useApi<FeatureContract>("/api/v1/schema");
  const [result, setResult] = useState<PredictionResult | null>(null);
  return (
    <div className="space-y-4">
      <PageHeader title="Predict">
        Score one card transaction with the model in production. The form is built from the model's
        feature contract and starts from its example transaction: change a value (say a large amount
        at 3 am abroad) and see how the fraud probability moves. Scored transactions count in the
        live stats and drift like any other.
      </PageHeader>
      {loading && <Loading />}
      {error && <ErrorBanner error={error} onRetry={reload} />}
      {contract && (
        <div className="grid gap-4 lg:grid-cols-12">
          <Card className="lg:col-span-7" title="Transaction" subtitle={contract.description}>
            <PredictForm contract={contract} onResult={setResult} />
          </Card>
          <div className="min-w-0 space-y-4 lg:col-span-5">
            <Card
              title="Result"
              subtitle="A transaction is flagged when its calibrated fraud probability reaches the model's threshold."
            >
              {result ? (
                <PredictionResultView result={result} />
              ) : (
                <EmptyState title="No transaction scored yet" compact>
                  Press “Score transaction”.
                </EmptyState>
              )}
            </Card>
            <BatchUpload />
          </div>
        </div>
      )}
    </div>
  );
}
