"""The compliant twin of the insecure program, written with the SDKs' own typed args: planning it with
zero violations proves the rules read the nested input names the SDKs really send (camelCase)."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pulumi_gcp as gcp

TAGS = {"environment": "prod", "team": "ml-platform", "cost-center": "1234"}
SCOPED = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["autoscaling:SetDesiredCapacity"], "Resource": "*"}],
}


def secure_program() -> None:
    provider = aws.Provider("aws", region="us-east-1", default_tags=aws.ProviderDefaultTagsArgs(tags=TAGS))
    protect = pulumi.ResourceOptions(provider=provider, protect=True)
    opts = pulumi.ResourceOptions(provider=provider)
    key = aws.kms.Key("key", enable_key_rotation=True, deletion_window_in_days=30, opts=protect)
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", opts=opts)
    logs = aws.cloudwatch.LogGroup("flow-logs", kms_key_id=key.arn, retention_in_days=365, opts=opts)
    aws.ec2.FlowLog(
        "flow",
        vpc_id=vpc.id,
        traffic_type="ALL",
        log_destination=logs.arn,
        iam_role_arn="arn:aws:iam::123456789012:role/flow",
        opts=opts,
    )
    aws.ec2.SecurityGroup(
        "lb",
        vpc_id=vpc.id,
        ingress=[
            aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"]
            )
        ],
        opts=opts,
    )
    cluster = aws.eks.Cluster(
        "eks",
        role_arn="arn:aws:iam::123456789012:role/eks",
        version="1.33",
        encryption_config=aws.eks.ClusterEncryptionConfigArgs(
            resources=["secrets"], provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=key.arn)
        ),
        vpc_config=aws.eks.ClusterVpcConfigArgs(
            subnet_ids=["subnet-1", "subnet-2"], endpoint_private_access=True, endpoint_public_access=False
        ),
        enabled_cluster_log_types=["api", "audit", "authenticator"],
        deletion_protection=True,
        opts=protect,
    )
    aws.eks.Addon(
        "vpc-cni",
        cluster_name=cluster.name,
        addon_name="vpc-cni",
        configuration_values=json.dumps({"enableNetworkPolicy": "true"}),
        opts=opts,
    )
    template = aws.ec2.LaunchTemplate(
        "nodes",
        metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
            http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
        ),
        block_device_mappings=[
            aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name="/dev/xvda",
                ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_size=100, volume_type="gp3", encrypted="true", kms_key_id=key.arn
                ),
            )
        ],
        tag_specifications=[
            aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=TAGS)
            for kind in ("instance", "volume")
        ],
        opts=opts,
    )
    aws.eks.NodeGroup(
        "gpu",
        cluster_name=cluster.name,
        node_role_arn="arn:aws:iam::123456789012:role/nodes",
        subnet_ids=["subnet-1"],
        ami_type="AL2023_x86_64_NVIDIA",
        capacity_type="SPOT",
        instance_types=["g6.xlarge"],
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=0, max_size=4, desired_size=0),
        launch_template=aws.eks.NodeGroupLaunchTemplateArgs(id=template.id, version="1"),
        taints=[aws.eks.NodeGroupTaintArgs(key="nvidia.com/gpu", value="present", effect="NO_SCHEDULE")],
        opts=opts,
    )
    aws.iam.Policy("autoscaler", policy=json.dumps(SCOPED), opts=opts)
    data = aws.s3.Bucket("data", bucket="acme-data", opts=protect)
    log_bucket = aws.s3.Bucket("access-logs", bucket="acme-access-logs", opts=protect)
    aws.s3.BucketLogging(
        "data-logging", bucket=data.id, target_bucket=log_bucket.id, target_prefix="data/", opts=opts
    )
    for name, bucket in (("data", data), ("access-logs", log_bucket)):
        # An access log target takes SSE-S3 only (S3 delivers no logs to an SSE-KMS default bucket).
        kms = (
            {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}
            if bucket is data
            else {"sse_algorithm": "AES256"}
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-sse",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        **kms
                    ),
                    bucket_key_enabled=bucket is data,
                )
            ],
            opts=opts,
        )
        aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=opts,
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-pab",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=opts,
        )
        delivery = (
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": "arn:aws:s3:::acme-access-logs/data/*",
                    "Condition": {
                        "ArnLike": {"aws:SourceArn": "arn:aws:s3:::acme-data"},
                        "StringEquals": {"aws:SourceAccount": "123456789012"},
                    },
                }
            ]
            if bucket is log_bucket
            else []
        )
        aws.s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=bucket.id,
            policy=bucket.arn.apply(
                lambda arn, delivery=delivery: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            *delivery,
                            {
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "s3:*",
                                "Resource": [arn, f"{arn}/*"],
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            },
                        ],
                    }
                )
            ),
            opts=opts,
        )
    aws.ecr.Repository(
        "images",
        image_tag_mutability="IMMUTABLE",
        image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
        encryption_configurations=[
            aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=key.arn)
        ],
        opts=protect,
    )
    aws.sns.Topic("alerts", kms_master_key_id=key.arn, opts=opts)

    google = gcp.Provider("gcp", project="acme", region="us-central1", default_labels=TAGS)
    g_opts = pulumi.ResourceOptions(provider=google)
    g_protect = pulumi.ResourceOptions(provider=google, protect=True)
    crypto_key = gcp.kms.CryptoKey(
        "key",
        key_ring="projects/acme/locations/us-central1/keyRings/acme",
        rotation_period="7776000s",
        opts=g_protect,
    )
    gcp.container.Cluster(
        "gke",
        location="us-central1",
        initial_node_count=1,
        remove_default_node_pool=True,
        database_encryption=gcp.container.ClusterDatabaseEncryptionArgs(
            state="ENCRYPTED", key_name=crypto_key.id
        ),
        private_cluster_config=gcp.container.ClusterPrivateClusterConfigArgs(
            enable_private_nodes=True, enable_private_endpoint=False, master_ipv4_cidr_block="172.16.0.0/28"
        ),
        master_authorized_networks_config=gcp.container.ClusterMasterAuthorizedNetworksConfigArgs(
            cidr_blocks=[
                gcp.container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                    cidr_block="203.0.113.0/24", display_name="office"
                )
            ]
        ),
        workload_identity_config=gcp.container.ClusterWorkloadIdentityConfigArgs(
            workload_pool="acme.svc.id.goog"
        ),
        datapath_provider="ADVANCED_DATAPATH",
        enable_intranode_visibility=True,
        release_channel=gcp.container.ClusterReleaseChannelArgs(channel="REGULAR"),
        binary_authorization=gcp.container.ClusterBinaryAuthorizationArgs(
            evaluation_mode="PROJECT_SINGLETON_POLICY_ENFORCE"
        ),
        opts=g_protect,
    )
    gcp.container.NodePool(
        "l4",
        cluster="gke",
        location="us-central1",
        autoscaling=gcp.container.NodePoolAutoscalingArgs(total_min_node_count=0, total_max_node_count=8),
        management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
        node_config=gcp.container.NodePoolNodeConfigArgs(
            machine_type="g2-standard-8",
            spot=True,
            image_type="COS_CONTAINERD",
            service_account="nodes@acme.iam.gserviceaccount.com",
            boot_disk_kms_key=crypto_key.id,
            guest_accelerators=[
                gcp.container.NodePoolNodeConfigGuestAcceleratorArgs(type="nvidia-l4", count=1)
            ],
            workload_metadata_config=gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(
                mode="GKE_METADATA"
            ),
            shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(
                enable_secure_boot=True, enable_integrity_monitoring=True
            ),
        ),
        opts=g_opts,
    )
    gcp.compute.Subnetwork(
        "subnet",
        network="vpc",
        ip_cidr_range="10.0.0.0/20",
        log_config=gcp.compute.SubnetworkLogConfigArgs(
            aggregation_interval="INTERVAL_5_SEC", flow_sampling=0.5
        ),
        opts=g_opts,
    )
    gcp.compute.Firewall(
        "webhooks",
        network="vpc",
        source_ranges=["172.16.0.0/28"],
        allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=["8443", "10250"])],
        opts=g_opts,
    )
    gcp.storage.Bucket(
        "models",
        location="US",
        uniform_bucket_level_access=True,
        public_access_prevention="enforced",
        versioning=gcp.storage.BucketVersioningArgs(enabled=True),
        logging=gcp.storage.BucketLoggingArgs(log_bucket="acme-usage-logs"),
        encryption=gcp.storage.BucketEncryptionArgs(default_kms_key_name=crypto_key.id),
        opts=g_protect,
    )
    gcp.artifactregistry.Repository(
        "images",
        repository_id="images",
        location="us-central1",
        format="DOCKER",
        kms_key_name=crypto_key.id,
        docker_config=gcp.artifactregistry.RepositoryDockerConfigArgs(immutable_tags=True),
        opts=g_protect,
    )
    gcp.projects.IAMMember(
        "log-writer",
        project="acme",
        role="roles/logging.logWriter",
        member="serviceAccount:nodes@acme.iam.gserviceaccount.com",
        opts=g_opts,
    )
