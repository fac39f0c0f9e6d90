export { fileReference, secretReference } from './_expansion.js';
export {
  type Dashboard,
  type DashboardInput,
  type DatasourceRef,
  GRID_COLUMNS,
  type GridPos,
  MIN_SCHEMA_VERSION,
  type Panel,
  type QueryPanel,
  SCHEMA_VERSION,
  type Target,
  dashboardSchema,
  datasourceRefSchema,
  panelSchema,
} from './dashboard.js';
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
  type PrometheusDatasource,
  datasourceFileSchema,
  grafanaUid,
  printDatasourceFile,
  validateDatasourceFile,
} from './datasource-provisioning.js';
export { type GrafanaIni, type GrafanaIniInput, grafanaIniSchema, printGrafanaIni, validateGrafanaIni } from './grafana-ini.js';
export {
  GRAFANA_PATHS,
  grafanaRenderer,
  GRAFANA_USER,
  type GrafanaIniRefs,
  type GrafanaRendererProps,
  grafanaIni,
  createGrafanaRenderer,
  prometheusDatasourceFile,
  renderGrafana,
} from './grafana-renderer.js';
export {
  type StackDashboardsProps,
  type UnitsOf,
  alertsDashboard,
  chatopsContainersDashboard,
  haproxyDashboard,
  serviceStatusDashboard,
  stackDashboards,
} from './stack-dashboards.js';
export { type DashboardCheckOptions, checkDashboard, printDashboard, validateDashboard } from './validate-dashboard.js';
