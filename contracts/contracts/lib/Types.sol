// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Structs shared by the portal and the L2 message passer (OP Stack `Types` library layout).
library Types {
    /// @notice The preimage of an L2 output root (version 0).
    struct OutputRootProof {
        bytes32 version;
        bytes32 stateRoot;
        bytes32 messagePasserStorageRoot;
        bytes32 latestBlockhash;
    }

    /// @notice A withdrawal initiated on L2 through `L2ToL1MessagePasser.initiateWithdrawal`.
    struct WithdrawalTransaction {
        uint256 nonce;
        address sender;
        address target;
        uint256 value;
        uint256 gasLimit;
        bytes data;
    }
}
