export { type ElasticsearchYml, type ElasticsearchYmlInput, elasticsearchYmlSchema, printElasticsearchYml } from './elasticsearch-yml.js';
export { type KibanaYml, type KibanaYmlInput, kibanaYmlSchema, printKibanaYml } from './kibana-yml.js';
export {
  LOGSTASH_WRITER,
  LOGSTASH_WRITER_ROLE,
  type RoleDescriptor,
  printRoleDescriptor,
  roleDescriptorSchema,
} from './role-descriptor.js';
export {
  ELASTIC_DIR,
  ELASTIC_SECRETS_DIR,
  elasticPaths,
  elasticsearchRenderer,
  elasticsearchUrl,
  kibanaRenderer,
} from './stack-renderer.js';
export {
  type IlmPolicy,
  type IndexTemplate,
  LOG_INDEX_PATTERN,
  LOG_LIFECYCLE,
  ilmPolicySchema,
  indexTemplateSchema,
  logIndexTemplate,
  logRetentionPolicy,
} from './index-lifecycle.js';
