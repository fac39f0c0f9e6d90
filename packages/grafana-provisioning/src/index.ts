export { type Dashboard, type DashboardInput, type DatasourceRef, dashboardSchema } from './dashboard.js';
export {
  type DashboardProps,
  type PanelProps,
  type QueryProps,
  type RowProps,
  type ThresholdProps,
  buildDashboard,
} from './dashboard-builder.js';
export {
  type DashboardProviders,
  type DashboardProvidersInput,
  dashboardProvidersSchema,
  printDashboardProviders,
  validateDashboardProviders,
} from './dashboard-provisioning.js';
export { grafanaDatasourceAgreement } from './datasource-agreement.js';
export {
  type DatasourceFile,
  type DatasourceFileInput,
  datasourceFileSchema,
  printDatasourceFile,
  validateDatasourceFile,
} from './datasource-provisioning.js';
export { type GrafanaIni, type GrafanaIniInput, grafanaIniSchema, printGrafanaIni, validateGrafanaIni } from './grafana-ini.js';
export { grafanaRenderer, type GrafanaRendererProps, createGrafanaRenderer, prometheusDatasourceFile } from './grafana-renderer.js';
export { type StackDashboardsProps, type UnitsOf, stackDashboards } from './stack-dashboards.js';
export { type DashboardCheckOptions, checkDashboard, printDashboard, validateDashboard } from './validate-dashboard.js';
